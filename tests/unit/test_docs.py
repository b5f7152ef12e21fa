"""What the admin reads matches what the bot does: README and docs/, example config, Dockerfile."""

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
# The README is the front door; the full reference lives in docs/. A key is documented if either has it.
DOCS = "\n".join([README, *(path.read_text(encoding="utf-8") for path in sorted((ROOT / "docs").glob("*.md")))])
EXAMPLE = (ROOT / "complaint-bot.example.toml").read_text(encoding="utf-8")
SOURCE_KINDS = ("rss", "hackernews", "reddit", "mastodon", "bluesky", "appstore", "x", "youtube", "stackexchange", "discourse", "github", "trustpilot", "googleplay")


def config_keys() -> list[tuple[str, str]]:
    """(table, key) for every key of every table the bot reads, [[sources]] aside."""
    return [(table, key) for table, field in AppConfig.model_fields.items() if table != "sources" for key in field.annotation.model_fields]


def example_tables() -> dict[str, str]:
    """The example config's text under each [table] header (commented-out keys included)."""
    parts = re.split(r"^\[(\w+)\]", EXAMPLE, flags=re.MULTILINE)
    return {name: body for name, body in zip(parts[1::2], parts[2::2])}


def test_every_key_is_in_the_example_config_and_the_docs() -> None:
    tables = example_tables()
    missing_in_example = [f"{t}.{k}" for t, k in config_keys() if not re.search(rf"^#? ?{k}\s*[=.]", tables.get(t, ""), re.MULTILINE)]
    missing_in_docs = [f"{t}.{k}" for t, k in config_keys() if t != "permissions" and f"`{t}.{k}`" not in DOCS]
    missing_in_docs += [f"permissions.{k}" for k in AppConfig.model_fields["permissions"].annotation.model_fields if f"`{k}`" not in DOCS]
    missing_in_docs += [name.upper() for name in Settings.model_fields if f"`{name.upper()}`" not in DOCS]
    assert missing_in_example == [] and missing_in_docs == []


def test_every_source_key_is_in_the_docs() -> None:
    missing = [f"{kind}.{key}" for kind in SOURCE_KINDS for key in config_model(kind).model_fields if f"`{key}`" not in DOCS]
    assert missing == []


def test_the_readme_stays_a_front_door_and_its_links_lead_somewhere() -> None:
    assert len(README.splitlines()) <= 250
    for target in re.findall(r"\]\(((?!https?:)[^)#]+)(?:#[^)]*)?\)", DOCS):
        assert any((folder / target).exists() for folder in (ROOT, ROOT / "docs")), target


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


def stages() -> dict[str, list[tuple[str, str]]]:
    """Each build stage's steps, by its name (the last, unnamed one is "final")."""
    named: dict[str, list[tuple[str, str]]] = {}
    for op, args in dockerfile():
        if op == "FROM":
            current = named.setdefault(args.split(" AS ")[1] if " AS " in args else "final", [])
        else:
            current.append((op, args))
    return named


def test_a_code_change_rebuilds_only_small_layers_and_downloads_nothing() -> None:
    built = stages()
    # The dependency list is read in a stage of its own: only a change to that list reinstalls the dependencies.
    assert [op for op, _ in built["requirements"]] == ["COPY", "RUN"] and built["requirements"][0][1].startswith("pyproject.toml ")
    final = built["final"]
    installs = [n for n, (op, args) in enumerate(final) if op == "RUN" and "pip install" in args]
    copies = [(n, args) for n, (op, args) in enumerate(final) if op == "COPY"]
    assert [args for n, args in copies if n < installs[0]] == ["--from=requirements /requirements.txt /tmp/requirements.txt"]
    assert "--no-deps" in final[installs[-1]][1] and "--no-index" in final[installs[-1]][1]
    # The wheel: setuptools before any code, then a build that cannot reach an index.
    wheel = built["wheel"]
    first_code = next(n for n, (op, _) in enumerate(wheel) if op == "COPY")
    assert wheel[0] == ("RUN", 'pip install "setuptools>=68"') and first_code == 1
    assert "--no-build-isolation" in wheel[-1][1] and "--no-index" in wheel[-1][1]
    packages = {args.split()[0] for op, args in wheel if op == "COPY"}
    assert {"bot", "handlers", "sources", "message_blocks", "alembic"} <= packages


def test_the_dockerfile_runs_the_bot_as_pid_1_with_a_health_check_on_its_port() -> None:
    steps = dict(stages()["final"])
    assert json.loads(steps["ENTRYPOINT"]) == ["complaint-bot"] and json.loads(steps["CMD"]) == ["run"]  # exec form: no shell in between
    assert steps["STOPSIGNAL"] == "SIGTERM"
    check = steps["HEALTHCHECK"]
    assert re.search(r"--start-period=\d+s", check) and json.loads(check.split("CMD", 1)[1]) == ["python", "-m", "bot.healthcheck"]
    assert any(op == "ENV" and "COMPLAINT_BOT_PORT_FILE=" in args for op, args in stages()["final"])


def test_every_commented_source_example_is_a_valid_source() -> None:
    """Uncommented, each `# [[sources]]` example in the example config parses as the kind it shows."""
    blocks = re.findall(r"^# \[\[sources\]\]\n((?:# [^\n]*\n)+)", EXAMPLE, re.MULTILINE)
    kinds = []
    for block in blocks:
        table = "\n".join(line.removeprefix("# ").split("  #")[0] for line in block.splitlines())
        config = parse_config(TEST_CONFIG + "\n[[sources]]\n" + table.replace('name = "', 'name = "example-', 1), "example")
        kinds.append(config.sources[-1].kind)
    assert set(SOURCE_KINDS) - {"rss", "hackernews", "mastodon", "bluesky", "appstore", "x", "youtube"} <= set(kinds)
