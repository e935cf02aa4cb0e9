"""The batch job behind ``enrich run PIPELINE.toml``: read -> enrich in chunks -> store -> themes -> traits -> outputs.

Each chunk is written to the store as soon as it is enriched, then checkpointed (its feedback keys, under the run
id). Every write is idempotent, so a re-run over the same input changes nothing. A run that failed or whose
process died is continued with ``resume=True`` (``enrich run --resume``): same run id, the checkpointed feedback
is not enriched again, and themes, traits and outputs are then computed over the whole run.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from tqdm.auto import tqdm

from enrich.chunks import enriched_chunks
from enrich.config import PipelineConfig
from enrich.pipeline import Pipeline
from enrich.profiles.update import update_profiles
from enrich.readers import read_customers, read_source, rejects_to_frame
from enrich.report import ReportContext, write_theme_report
from enrich.report.summaries import theme_summaries
from enrich.rollup import repeat_contacts
from enrich.schema import Feedback, Reject
from enrich.store import ProfileStore
from enrich.themes.corpus import fit_store_themes


@dataclass
class RunSummary:
    """What a run did; printed by the CLI and stored on the run's row."""

    run_id: str
    pipeline: str
    read: int = 0
    enriched: int = 0
    rejected: int = 0
    units: int = 0
    encoded: int = 0
    themes: int = 0
    top_themes: int = 0
    emerging_themes: list[int] = field(default_factory=list)
    unthemed_units: int = 0
    customers: int = 0
    traits_changed: int = 0
    customers_refreshed: int = 0  # -1: every customer (first run, or no earlier as_of)
    account_traits_changed: int = 0
    alerts_fired: int = 0
    as_of: str | None = None
    resumed: bool = False  # this run continues one that failed or was killed (same run id)
    resumed_feedback: int = 0  # feedback that run had checkpointed, not enriched again
    status: str = "running"  # "completed" or "failed" once the run ends
    error: str | None = None
    rejects_by_reason: dict[str, int] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    def as_dict(self) -> dict:
        return asdict(self)


RESUMABLE_NOTE = "this run is recorded as failed and its stored chunks are checkpointed; continue it with --resume"
"""Added to the exception of a run that failed after it was recorded (``enrich run`` prints the resume command)."""


def new_run_id(pipeline_hash: str) -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    return f"{stamp}-{hashlib.sha1(pipeline_hash.encode()).hexdigest()[:6]}"


def read_inputs(config: PipelineConfig) -> tuple[list[Feedback], list, list[Reject], int]:
    """Read every source and the customers table. Returns (feedback, customers, rejects, rows read)."""
    feedback, rejects, rows_read = [], [], 0
    for source in config.sources:
        result = read_source(source.kind, source.path, columns=source.columns or None, fmt=source.format)
        feedback += result.records
        rejects += result.rejects
        rows_read += result.rows_read
    customers = []
    if config.customers and config.customers.table:
        from enrich.profiles.customers_sql import read_customers_table

        result = read_customers_table(config.customers.url, config.customers.table,
                                      columns=config.customers.columns or None)
        customers, rejects = result.records, rejects + result.rejects
    elif config.customers:
        result = read_customers(config.customers.path, columns=config.customers.columns or None,
                                fmt=config.customers.format)
        customers, rejects = result.records, rejects + result.rejects
    return feedback, customers, rejects, rows_read


def run(config: PipelineConfig, *, db: str | None = None, progress: bool = True, resume: bool = False) -> RunSummary:
    """Run the batch job described by ``config``.

    Args:
        config: a validated pipeline config.
        db: profile store URL or SQLite path; defaults to ``config.output.db``.
        progress: draw progress bars (on stderr).
        resume: continue the latest run of this pipeline if it did not complete and used the same models
            (``summary.resumed`` says whether it did); otherwise start a new run.

    Returns:
        The run's :class:`RunSummary` (also stored on the run's row in the store, with ``status`` "completed" or,
        when the run raised, "failed" and the error).
    """
    started = datetime.now(timezone.utc)
    store = ProfileStore(db or config.output.db)
    pipeline = Pipeline(config, cache=store)
    resumed = store.resumable_run(config.content_hash(), pipeline.model_refs) if resume else None
    run_id = resumed or new_run_id(config.content_hash())
    summary = RunSummary(run_id=run_id, pipeline=config.pipeline.name, resumed=resumed is not None)
    recorded = False  # whether the store has the run's row (a run that fails while reading its input has none)
    try:
        feedback, customers, rejects, summary.read = read_inputs(config)
        store.start_run(run_id, config.pipeline.name, config.content_hash(), pipeline.model_refs)
        recorded = True
        store.upsert_customers(customers)
        store.write_rejects(rejects, run_id)
        summary.rejected = sum(1 for r in rejects if r.source != "customers")
        summary.rejects_by_reason = dict(sorted(_count(r.reason for r in rejects).items()))

        done = _checkpointed(store, run_id, feedback) if resumed else set()
        summary.resumed_feedback = len(done)
        bar = tqdm(total=len(feedback), initial=len(done), desc="enrich", unit="feedback", disable=not progress)
        run_keys = [fb.key for fb in feedback if fb.key in done]
        repeat_contact = _repeat_contacts(store, feedback)
        for chunk in enriched_chunks(pipeline, [fb for fb in feedback if fb.key not in done], repeat_contact):
            keys = [fb.key for fb in chunk.feedback]
            if chunk.embeddings:
                store.cache_embeddings(chunk.embeddings, pipeline.encoder.weights_hash)
            store.upsert_feedback(chunk.feedback, run_id)
            store.upsert_units(chunk.units, feedback_keys=keys)
            store.upsert_feedback_enrichments(chunk.enrichments)
            store.checkpoint_chunk(run_id, keys)  # last: a crash before it only means this chunk is redone
            run_keys += keys
            summary.enriched += len(chunk.feedback)
            summary.units += len(chunk.units)
            summary.encoded += chunk.encoded
            bar.update(len(chunk.feedback))
        bar.close()
        summary.enriched += len(done)

        themes_before = store.unit_themes() if config.themes.enabled else {}
        if config.themes.enabled:
            fit = fit_store_themes(store, pipeline.themer(), pipeline.encoder.weights_hash, run_id)
            summary.themes, summary.top_themes, summary.emerging_themes = fit.n_themes, fit.n_top_themes, list(fit.emerging)
        units = store.units_frame()
        summary.units += int(units["feedback_key"].isin(sorted(done)).sum())
        customer_units = units[units["speaker"] == "customer"]
        summary.unthemed_units = int(customer_units["theme_id"].isna().sum())
        themes_after = store.unit_themes() if config.themes.enabled else {}
        moved = [unit for unit, theme in themes_after.items() if themes_before.get(unit, theme) != theme]
        profile = update_profiles(store, config, pipeline.provenance(run_id), run_keys, moved)
        summary.traits_changed, summary.customers_refreshed = profile.traits_changed, profile.customers_refreshed
        summary.account_traits_changed, summary.alerts_fired = profile.account_traits_changed, len(profile.alerts_fired)
        summary.as_of = profile.as_of
        summary.customers = store.counts().get("customers", 0)
        summary.outputs = write_outputs(store, config, summary, rejects)
        summary.status = "completed"
    except BaseException as exc:  # recorded so that --resume finds the run, then re-raised
        summary.status, summary.error = "failed", f"{type(exc).__name__}: {exc}"
        if recorded:
            exc.add_note(RESUMABLE_NOTE)
        raise
    finally:
        summary.seconds = round((datetime.now(timezone.utc) - started).total_seconds(), 2)
        if summary.read or summary.enriched:
            store.finish_run(run_id, summary.as_dict())
        store.dispose()
    return summary


def _checkpointed(store: ProfileStore, run_id: str, feedback: list[Feedback]) -> set[str]:
    """Keys of the feedback a chunk of ``run_id`` stored that is unchanged in this input (changed ones are redone)."""
    from enrich.store.profile_store import content_hash

    stored = store.checkpointed_feedback(run_id)
    return {fb.key for fb in feedback if stored.get(fb.key) == content_hash(fb)}


def _repeat_contacts(store: ProfileStore, feedback: list[Feedback]) -> dict[str, bool]:
    """Repeat-contact flags over the run's chats and every chat already in the store (a repeat may span runs)."""
    stored = store.feedback_frame()
    chats = {
        row.feedback_key: Feedback(feedback_id=row.feedback_id, channel="chat", customer_id=row.customer_id,
                                   created_at=row.created_at, text="")
        for row in stored[stored["channel"] == "chat"].itertuples()
    } if len(stored) else {}
    chats |= {record.key: record for record in feedback if record.channel == "chat"}
    return repeat_contacts(chats.values())


def write_outputs(store: ProfileStore, config: PipelineConfig, summary: RunSummary, rejects: list[Reject]) -> dict:
    """Profiles export, rejects file and theme report, as the config asks."""
    outputs = {"db": str(store.url)}
    out = config.output
    if out.profiles:
        outputs["profiles"] = str(store.export_profiles(out.profiles))
    if out.accounts:
        outputs["accounts"] = str(store.export_profiles(out.accounts, accounts=True))
    if out.alerts and config.profiles.alerts:
        outputs["alerts"] = str(store.export_alerts(out.alerts))
    if out.rejects:
        Path(out.rejects).parent.mkdir(parents=True, exist_ok=True)
        rejects_to_frame(rejects).to_csv(out.rejects, index=False)
        outputs["rejects"] = str(out.rejects)
    if out.report:
        outputs["report"] = str(write_report(store, out.report, summary.run_id, config.pipeline.name))
    return outputs


def write_report(store: ProfileStore, path: str | Path, run_id: str, pipeline: str) -> Path:
    """Render the theme report from what the store holds now."""
    units, feedback = store.units_frame(), store.feedback_frame()
    summaries = theme_summaries(store.themes_frame(), units, feedback, store.theme_groups_frame(),
                                store.theme_events_frame())
    customer_units = units[units["speaker"] == "customer"] if len(units) else units
    counts = {
        "feedback": len(feedback),
        "units": len(customer_units),
        "unthemed_units": int(customer_units["theme_id"].isna().sum()) if len(units) else 0,
        "customers": store.counts().get("customers", 0),
        "rejected": store.counts().get("rejects", 0),
    }
    notes = _model_notes()
    context = ReportContext(
        title="Customer feedback themes", run_id=run_id, pipeline=pipeline,
        generated_at=datetime.now(timezone.utc).isoformat(timespec="seconds"), counts=counts, model_notes=notes,
    )
    return write_theme_report(summaries, context, path)


def _model_notes() -> dict[str, str]:
    import json

    from enrich.paths import models_dir

    notes = {}
    for task, dataset, metric in (("sentiment", "airline_tweets", "macro_f1"),
                                  ("effort", "effort_seed_test", "spearman_labelled")):
        path = models_dir() / task / "metrics.json"
        if path.exists():
            value = json.loads(path.read_text())[dataset]["head"][metric]
            notes[task] = f"trained head on all-MiniLM-L6-v2; held-out {metric} {value:.3f} on {dataset} (models/{task}/card.md)"
    return notes


def _count(items) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in items:
        counts[item] = counts.get(item, 0) + 1
    return counts
