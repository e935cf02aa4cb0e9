"""The ``enrich`` command line.

Exit codes: 0 success; 1 unexpected failure; 2 usage or config error; 3 input error (missing file or column);
4 model error (missing weights or optional dependency); 5 store error.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path

from enrich.errors import ConfigError, EnrichError, InputError, ModelError, StoreError

EXIT_CODES = {ConfigError: 2, InputError: 3, ModelError: 4, StoreError: 5}
DEFAULT_DB = "out/enrich.db"


def _offline() -> None:
    # The machines that run enrich reach no model hub: never let a library try.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def cmd_run(args: argparse.Namespace) -> int:
    from enrich.config import load_config
    from enrich.runner import RESUMABLE_NOTE, run

    config = load_config(args.pipeline)
    if args.as_of:
        config = config.model_copy(update={"profiles": config.profiles.model_copy(update={"as_of": args.as_of})})
    try:
        summary = run(config, db=args.db, progress=not args.no_progress, resume=args.resume)
    except (Exception, KeyboardInterrupt) as error:
        if RESUMABLE_NOTE in getattr(error, "__notes__", []):
            print(f"enrich: the run is recorded as failed and the chunks it stored are checkpointed; continue it "
                  f"with: enrich run {args.pipeline} --resume" + (f" --db {args.db}" if args.db else ""),
                  file=sys.stderr)
        raise
    print(f"run {summary.run_id} ({summary.pipeline}) in {summary.seconds:.1f} s")
    if args.resume:
        print(f"  resumed: {summary.resumed_feedback} feedback already stored by this run were not enriched again"
              if summary.resumed else "  nothing to resume (the latest run of this pipeline completed, or its "
              "models changed): started a new run")
    print(f"  read {summary.read}  enriched {summary.enriched}  rejected {summary.rejected}"
          f"  units {summary.units} (newly encoded {summary.encoded})")
    emerging = f" (emerging: {', '.join(map(str, summary.emerging_themes))})" if summary.emerging_themes else ""
    print(f"  themes {summary.themes} in {summary.top_themes} top-level{emerging}  unthemed units {summary.unthemed_units}"
          f"  customers {summary.customers}  trait values changed {summary.traits_changed}")
    refreshed = "all" if summary.customers_refreshed < 0 else summary.customers_refreshed
    print(f"  as_of {summary.as_of}  customers refreshed {refreshed}  account trait values changed "
          f"{summary.account_traits_changed}  alerts fired {summary.alerts_fired}")
    if summary.rejects_by_reason:
        print("  rejects by reason: " + ", ".join(f"{k} {v}" for k, v in summary.rejects_by_reason.items()))
    for name, path in summary.outputs.items():
        print(f"  {name}: {path}")
    return 0


def cmd_analyze(args: argparse.Namespace) -> int:
    from enrich.analysis import DEFAULT_ANALYZE_CONFIG, analyze_file
    from enrich.pipeline import load

    pipeline = load(args.pipeline) if args.pipeline else load(DEFAULT_ANALYZE_CONFIG)
    written, rejects = analyze_file(args.input, args.text_column, args.out, pipeline, progress=not args.no_progress)
    print(f"enriched {written} rows -> {args.out}; rejected {len(rejects)}")
    for reject in rejects[:20]:
        print(f"  rejected {reject.file} line {reject.line}: {reject.reason}: {reject.detail}", file=sys.stderr)
    if rejects:
        print(f"  rejects written to {args.out}.rejects.csv")
    return 0


def _store(args: argparse.Namespace):
    from enrich.store import ProfileStore

    if "://" not in args.db and not Path(args.db).exists():
        raise InputError(f"profile store {args.db} does not exist; run `enrich run PIPELINE.toml` first")
    return ProfileStore(args.db)


def cmd_profiles_export(args: argparse.Namespace) -> int:
    store = _store(args)
    path = store.export_profiles(args.out, fmt=args.format, accounts=args.accounts)
    what = "accounts" if args.accounts else "profiles"
    count = len(store.accounts_frame() if args.accounts else store.profiles_frame())
    print(f"exported {count} {what}{' as identify calls' if args.format == 'identify' else ''} -> {path}")
    return 0


def cmd_forget(args: argparse.Namespace) -> int:
    removed = _store(args).forget_customer(args.customer_id)
    if not any(removed.values()):
        print(f"customer {args.customer_id!r} has nothing in {args.db}; nothing removed")
        return 0
    print(f"forgot customer {args.customer_id!r} in {args.db}:")
    for table, rows in removed.items():
        verb = "rewritten without their quotes and units" if table == "themes" else "deleted"
        print(f"  {table:22} {rows:6} rows {verb}")
    print("  files exported earlier (profiles, accounts, alerts JSONL, theme report) still hold the old data: "
          "re-export or delete them")
    return 0


def cmd_profiles_show(args: argparse.Namespace) -> int:
    if args.as_of:
        from enrich.store.profile_layer import parse_instant

        record = _store(args).profile_at(args.customer_id, parse_instant(args.as_of))
        if not record["traits"]:
            raise InputError(f"customer {args.customer_id!r} had no traits in {args.db} as of {args.as_of}")
        print(json.dumps(record, indent=2, default=str))
        return 0
    profiles = _store(args).profiles_frame()
    match = profiles[profiles["customer_id"] == args.customer_id]
    if match.empty:
        raise InputError(f"customer {args.customer_id!r} not found in {args.db}")
    record = {key: value for key, value in match.iloc[0].to_dict().items()}
    for key, value in record.items():
        if isinstance(value, str) and value[:1] in "[{":
            record[key] = json.loads(value)
    print(json.dumps(record, indent=2, default=str))
    return 0


def cmd_runs(args: argparse.Namespace) -> int:
    import pandas as pd

    runs = _store(args).runs_frame().tail(args.last)
    if runs.empty:
        print(f"no runs in {args.db}")
        return 0
    print(f"{'run id':<36} {'pipeline':<14} {'status':<17} {'started (UTC)':<20} {'read':>6} {'enriched':>8}  error")
    for row in runs.itertuples():
        summary = row.summary or {}
        status = summary.get("status") or ("running or killed" if row.finished_at is None
                                           or pd.isna(row.finished_at) else "completed")
        started = pd.Timestamp(row.started_at).strftime("%Y-%m-%d %H:%M:%S")
        print(f"{row.run_id:<36} {row.pipeline:<14} {status:<17} {started:<20} {summary.get('read', ''):>6} "
              f"{summary.get('enriched', ''):>8}  {summary.get('error') or ''}")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from enrich.runner import write_report

    store = _store(args)
    runs = store.counts().get("runs", 0)
    path = write_report(store, args.out, run_id=args.run_id or f"store ({runs} runs)", pipeline=args.title)
    print(f"theme report -> {path}")
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from enrich.training.tasks import task_module

    task_module(args.task).train()
    print(f"trained {args.task}; card: models/{args.task}/card.md")
    return cmd_eval(argparse.Namespace(task=args.task))


def cmd_eval(args: argparse.Namespace) -> int:
    from enrich.training.model_card import metrics_table
    from enrich.training.tasks import TASKS, task_module

    tasks = [args.task] if args.task else list(TASKS)
    for task in tasks:
        results = task_module(task).evaluate()
        print(f"\n## {task}\n\n{metrics_table(results)}")
    return 0


def cmd_components(args: argparse.Namespace) -> int:
    from enrich.components import registry

    for name in registry.available():
        spec = registry.get(name)
        print(f"{name:16} assigns {', '.join(spec.assigns):14} requires {', '.join(spec.requires) or '-'}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="enrich", description="Customer feedback -> experiential profile data.")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("run", help="run a batch pipeline (TOML) into the profile store")
    p.add_argument("pipeline", help="pipeline config, e.g. pipelines/default.toml")
    p.add_argument("--db", help="profile store URL (sqlite:///..., postgresql+psycopg://user@host/db) or SQLite "
                   "path (default: the config's output.db)")
    p.add_argument("--as-of", help="end trait windows at this ISO date (default: [profiles] as_of, else the "
                   "latest feedback in the store)")
    p.add_argument("--resume", action="store_true", help="continue the latest run of this pipeline if it failed or "
                   "was killed (same run id; checkpointed chunks are not enriched again); else start a new run")
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=cmd_run)

    p = sub.add_parser("analyze", help="enrich each row of a CSV/JSONL/Parquet file")
    p.add_argument("input")
    p.add_argument("--text-column", required=True)
    p.add_argument("--out", required=True, help="output file; format by suffix (.csv, .jsonl, .parquet)")
    p.add_argument("--pipeline", help="pipeline config to use (default: every enrichment, themes over the file)")
    p.add_argument("--no-progress", action="store_true")
    p.set_defaults(func=cmd_analyze)

    profiles = sub.add_parser("profiles", help="read customer profiles").add_subparsers(dest="action", required=True)
    p = profiles.add_parser("export", help="export profiles to .parquet/.csv/.jsonl or identify-call JSONL")
    p.add_argument("--db", default=DEFAULT_DB)
    p.add_argument("--out", required=True)
    p.add_argument("--format", choices=["parquet", "csv", "jsonl", "identify"],
                   help="default: by the --out suffix; identify = one {userId, traits} per line for a CDP")
    p.add_argument("--accounts", action="store_true", help="export account roll-ups (identify: {groupId, traits})")
    p.set_defaults(func=cmd_profiles_export)
    p = profiles.add_parser("show", help="print one customer's profile as JSON")
    p.add_argument("customer_id")
    p.add_argument("--db", default=DEFAULT_DB)
    p.add_argument("--as-of", help="rebuild the profile as it stood at this ISO date/time from the trait history")
    p.set_defaults(func=cmd_profiles_show)

    p = sub.add_parser("forget", help="erase one customer's text, enrichments, traits, history and alerts")
    p.add_argument("customer_id")
    p.add_argument("--db", default=DEFAULT_DB)
    p.set_defaults(func=cmd_forget)

    p = sub.add_parser("runs", help="list the store's runs: status (completed, failed, running or killed), counts")
    p.add_argument("--db", default=DEFAULT_DB)
    p.add_argument("--last", type=int, default=20, help="show the latest N runs (default 20)")
    p.set_defaults(func=cmd_runs)

    p = sub.add_parser("report", help="write the theme report (HTML) from the profile store")
    p.add_argument("--db", default=DEFAULT_DB)
    p.add_argument("--out", default="out/themes.html")
    p.add_argument("--title", default="enrich")
    p.add_argument("--run-id")
    p.set_defaults(func=cmd_report)

    p = sub.add_parser("train", help="train a head on real labelled data and write its model card")
    p.add_argument("task", help="a task from enrich.training.tasks.TASKS, e.g. sentiment, effort")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("eval", help="held-out metrics of the trained heads beside baselines")
    p.add_argument("task", nargs="?", help="one task (default: every task)")
    p.set_defaults(func=cmd_eval)

    p = sub.add_parser("components", help="list registered pipeline components")
    p.set_defaults(func=cmd_components)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING, format="%(levelname)s %(message)s")
    _offline()
    try:
        return args.func(args)
    except EnrichError as error:
        print(f"enrich: error: {error}", file=sys.stderr)
        return next((code for cls, code in EXIT_CODES.items() if isinstance(error, cls)), 1)
    except (OSError, ValueError) as error:
        logging.getLogger("enrich").info("failure", exc_info=True)
        print(f"enrich: error: {type(error).__name__}: {error} (run with -v for the traceback)", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("enrich: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
