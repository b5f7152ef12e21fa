"""What the admin reads matches what the bot does: README, example config, Dockerfile."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from bot.config import AppConfig, parse_config
from bot.settings import ConfigError, Settings
from sources import config_model
from tests.conftest import TEST_CONFIG

ROOT = Path(__file__).resolve().parents[2]
README = (ROOT / "README.md").read_text(encoding="utf-8")
EXAMPLE = (ROOT / "complaint-bot.example.toml").read_text(encoding="utf-8")
SOURCE_KINDS = ("rss", "hackernews", "reddit", "mastodon", "bluesky", "appstore", "x", "youtube", "stackexchange", "discourse", "github", "trustpilot", "googleplay")


def config_keys() -> list[tuple[str, str]]:
    """(table, key) for every key of every table the bot reads, [[sources]] aside."""
    return [(table, key) for table, field in AppConfig.model_fields.items() if table != "sources" for key in field.annotation.model_fields]


def example_tables() -> dict[str, str]:
    """The example config's text under each [table] header (commented-out keys included)."""
    parts = re.split(r"^\[(\w+)\]", EXAMPLE, flags=re.MULTILINE)
    return {name: body for name, body in zip(parts[1::2], parts[2::2])}


def test_every_key_is_in_the_example_config_and_the_readme() -> None:
    tables = example_tables()
    missing_in_example = [f"{t}.{k}" for t, k in config_keys() if not re.search(rf"^#? ?{k}\s*[=.]", tables.get(t, ""), re.MULTILINE)]
    missing_in_readme = [f"{t}.{k}" for t, k in config_keys() if t != "permissions" and f"`{t}.{k}`" not in README]
    missing_in_readme += [f"permissions.{k}" for k in AppConfig.model_fields["permissions"].annotation.model_fields if f"`{k}`" not in README]
    missing_in_readme += [name.upper() for name in Settings.model_fields if f"`{name.upper()}`" not in README]
    assert missing_in_example == [] and missing_in_readme == []


def test_every_source_key_is_in_the_readme() -> None:
    missing = [f"{kind}.{key}" for kind in SOURCE_KINDS for key in config_model(kind).model_fields if f"`{key}`" not in README]
    assert missing == []


def test_the_checker_sees_an_undocumented_key() -> None:
    assert ("slack", "burst_threshold") in config_keys()
    assert not re.search(r"^#? ?burst_threshold\s*[=.]", example_tables()["slack"].replace("burst_threshold", "burst_limit"), re.MULTILINE)


def test_the_readme_starts_with_something_that_works_as_pasted() -> None:
    first_block = re.search(r"```sh\n(.*?)```", README, re.DOTALL).group(1)  # type: ignore[union-attr]
    assert "complaint-bot preview --sample" in first_block
    commands = "\n".join(re.findall(r"```sh\n(.*?)```", README, re.DOTALL))
    assert "…" not in commands, "a placeholder pasted into a shell becomes a token Slack cannot even receive"


def test_the_error_quoted_in_the_readme_is_the_real_one() -> None:
    quoted = re.search(r"`(complaint-bot: complaint-bot\.toml: [^`]+)`", README).group(1)  # type: ignore[union-attr]
    with pytest.raises(ConfigError) as raised:
        parse_config(TEST_CONFIG.replace('channel = "C0TRIAGE01"', 'channel = "#complaints"'), "complaint-bot.toml")
    assert quoted == f"complaint-bot: {raised.value}"


def dockerfile() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) in order, continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8").replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1]) for line in lines]


def test_the_dockerfile_installs_dependencies_before_copying_the_code() -> None:
    steps = dockerfile()
    copies = [(n, args) for n, (op, args) in enumerate(steps) if op == "COPY"]
    installs = [n for n, (op, args) in enumerate(steps) if op == "RUN" and "pip install" in args]
    first_code = min(n for n, args in copies if args.split()[0] != "pyproject.toml")
    assert installs[0] < first_code, "a code change must not reinstall every dependency"
    assert [args for n, args in copies if n < installs[0]] == ["pyproject.toml ./"]
    assert "--no-deps" in steps[installs[-1]][1]
    packages = {args.split()[0] for n, args in copies}
    assert {"bot", "handlers", "sources", "message_blocks", "alembic"} <= packages


def test_the_dockerfile_runs_the_bot_as_pid_1_with_a_health_check() -> None:
    steps = dict(dockerfile())
    assert json.loads(steps["ENTRYPOINT"]) == ["complaint-bot"] and json.loads(steps["CMD"]) == ["run"]  # exec form: no shell in between
    assert steps["STOPSIGNAL"] == "SIGTERM"
    assert re.search(r"--start-period=\d+s", steps["HEALTHCHECK"]) and "/healthz" in steps["HEALTHCHECK"]


def test_every_commented_source_example_is_a_valid_source() -> None:
    """Uncommented, each `# [[sources]]` example in the example config parses as the kind it shows."""
    blocks = re.findall(r"^# \[\[sources\]\]\n((?:# [^\n]*\n)+)", EXAMPLE, re.MULTILINE)
    kinds = []
    for block in blocks:
        table = "\n".join(line.removeprefix("# ").split("  #")[0] for line in block.splitlines())
        config = parse_config(TEST_CONFIG + "\n[[sources]]\n" + table.replace('name = "', 'name = "example-', 1), "example")
        kinds.append(config.sources[-1].kind)
    assert set(SOURCE_KINDS) - {"rss", "hackernews", "mastodon", "bluesky", "appstore", "x", "youtube"} <= set(kinds)
