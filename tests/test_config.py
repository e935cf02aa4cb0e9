"""Pipeline configs: every shipped file loads; unknown keys, unknown components, unmet requirements and bad values
fail at load with a message that names the problem and the valid options."""

from __future__ import annotations

from pathlib import Path

import pytest

from enrich.components import registry
from enrich.config import DEFAULT_STEPS, PipelineConfig, load_config, parse_config
from enrich.errors import ConfigError

REPO_ROOT = Path(__file__).resolve().parents[1]
PIPELINE_FILES = sorted((REPO_ROOT / "pipelines").glob("*.toml"))
MINIMAL = {"pipeline": {"name": "demo"}}


def _with(**sections) -> dict:
    return {**MINIMAL, **sections}


def test_config_ships_pipeline_files():
    assert {path.stem for path in PIPELINE_FILES} >= {"default", "reviews", "chats", "surveys"}


@pytest.mark.parametrize("path", PIPELINE_FILES, ids=lambda path: path.name)
def test_config_every_pipeline_file_loads(path: Path):
    config = load_config(path)

    assert isinstance(config, PipelineConfig)
    assert config.pipeline.name == path.stem
    assert config.sources, f"{path.name} reads no source"
    for source in config.sources:
        assert (REPO_ROOT / source.path).is_file(), f"{path.name} points at a missing file {source.path}"
    registry.check_order(config.steps)


def test_config_defaults_fill_a_minimal_config():
    config = parse_config(MINIMAL)

    assert config.steps == DEFAULT_STEPS
    assert config.themes.enabled is True
    assert config.output.db == "out/enrich.db"


def test_config_unknown_top_level_key_names_it_and_the_valid_keys():
    with pytest.raises(ConfigError) as caught:
        parse_config(_with(stepz=["segment.v1"]))

    message = str(caught.value)
    assert "'stepz'" in message
    for valid in ("pipeline", "steps", "sources", "customers", "encoder", "themes", "output", "chunk_size"):
        assert valid in message


def test_config_unknown_nested_key_names_it_and_the_section_keys():
    with pytest.raises(ConfigError) as caught:
        parse_config(_with(themes={"min_cluster_sise": 5}))

    message = str(caught.value)
    assert "themes.min_cluster_sise" in message
    for valid in ("enabled", "reducer", "min_cluster_size", "reassign_floor", "random_state"):
        assert valid in message


def test_config_unknown_source_key_names_it_and_the_source_keys():
    bad_source = {"kind": "reviews", "path": "reviews.csv", "colums": {"text": "body"}}
    with pytest.raises(ConfigError) as caught:
        parse_config(_with(sources=[bad_source]))

    message = str(caught.value)
    assert "colums" in message
    for valid in ("kind", "path", "format", "columns"):
        assert valid in message
    # The source's keys, not the top level's.
    assert "chunk_size" not in message


def test_config_unknown_component_lists_the_available_ones():
    with pytest.raises(ConfigError) as caught:
        parse_config(_with(steps=["segment.v1", "sentimnt.v1"]))

    message = str(caught.value)
    assert "sentimnt.v1" in message
    for name in registry.available():
        assert name in message


def test_config_unmet_requirement_names_the_step_and_the_missing_provider():
    with pytest.raises(ConfigError) as caught:
        parse_config(_with(steps=["segment.v1", "language.v1", "sentiment.v1"]))

    message = str(caught.value)
    assert "sentiment.v1" in message
    assert "embeddings" in message
    assert "encode.v1" in message


def test_config_requirement_must_come_from_an_earlier_step():
    with pytest.raises(ConfigError, match="pain_points.v1"):
        parse_config(_with(steps=["segment.v1", "encode.v1", "pain_points.v1", "sentiment.v1"]))


@pytest.mark.parametrize(
    "sections, field",
    [
        ({"themes": {"min_cluster_size": 1}}, "min_cluster_size"),
        ({"themes": {"reducer": "tsne"}}, "reducer"),
        ({"encoder": {"batch_size": 0}}, "batch_size"),
        ({"chunk_size": 0}, "chunk_size"),
        ({"sources": [{"kind": "tweets", "path": "x.csv"}]}, "kind"),
    ],
)
def test_config_bad_value_is_rejected_naming_field_and_value(sections: dict, field: str):
    with pytest.raises(ConfigError) as caught:
        parse_config(_with(**sections))

    assert field in str(caught.value)


def test_config_min_cluster_size_one_reports_the_value_received():
    with pytest.raises(ConfigError, match=r"themes\.min_cluster_size.*got 1"):
        parse_config(_with(themes={"min_cluster_size": 1}))


def test_config_missing_pipeline_name_is_rejected():
    with pytest.raises(ConfigError, match="pipeline"):
        parse_config({"steps": DEFAULT_STEPS})


def test_config_missing_file_is_a_config_error(tmp_path: Path):
    missing = tmp_path / "nope.toml"
    with pytest.raises(ConfigError, match="does not exist"):
        load_config(missing)


def test_config_invalid_toml_is_a_config_error(tmp_path: Path):
    path = tmp_path / "broken.toml"
    path.write_text('[pipeline]\nname = "broken\n')

    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)


def test_config_error_is_a_value_error():
    with pytest.raises(ValueError):
        parse_config(_with(bogus=1))


def test_config_file_error_names_the_file(tmp_path: Path):
    path = tmp_path / "typo.toml"
    path.write_text('[pipeline]\nname = "typo"\n[themes]\nreducr = "pca"\n')

    with pytest.raises(ConfigError) as caught:
        load_config(path)

    assert str(path) in str(caught.value)
    assert "themes.reducr" in str(caught.value)


def test_config_content_hash_is_stable_and_tracks_settings(tmp_path: Path):
    base = _with(themes={"min_cluster_size": 5})
    same = _with(themes={"min_cluster_size": 5})
    changed = _with(themes={"min_cluster_size": 6})

    first = parse_config(base).content_hash()
    assert first == parse_config(same).content_hash()
    assert len(first) == 16 and int(first, 16) >= 0
    assert parse_config(changed).content_hash() != first
    assert parse_config(_with(steps=DEFAULT_STEPS[:3])).content_hash() != parse_config(MINIMAL).content_hash()


def test_config_content_hash_ignores_key_order_and_defaults_spelled_out():
    implicit = {"pipeline": {"name": "demo"}}
    explicit = {"chunk_size": 512, "steps": list(DEFAULT_STEPS), "pipeline": {"description": "", "name": "demo"}}

    assert parse_config(implicit).content_hash() == parse_config(explicit).content_hash()


def test_config_content_hash_same_for_same_file_loaded_twice():
    path = REPO_ROOT / "pipelines" / "default.toml"

    assert load_config(path).content_hash() == load_config(path).content_hash()
