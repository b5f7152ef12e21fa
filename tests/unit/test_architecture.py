"""The architecture in one place: ALLOWED below is the source of truth, docs/architecture.md shows it (a test keeps them equal).

Each entry is a package, or one module of the wiring in bot/, with the modules of ours it may import,
top layer first. Every Python module of ours belongs to exactly one entry.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OURS = ("bot", "handlers", "message_blocks", "sources", "benchmarks", "tests")
ALLOWED: dict[str, tuple[str, ...]] = {
    # Outside the app: measures it as the tests drive it (their fakes and fixture config).
    "benchmarks": ("benchmarks", "bot", "message_blocks", "sources", "tests"),
    # Wiring: the entry points, built once at start-up.
    "bot/cli.py": ("bot", "message_blocks"),
    "bot/cli_options.py": (),
    "bot/serve.py": ("bot.app", "bot.web", "bot.scheduler", "bot.runtime", "bot.settings", "bot.slack"),
    "bot/app.py": ("handlers", "bot.flows", "bot.runtime"),
    "bot/web.py": ("bot.flows", "bot.runtime", "bot.db", "bot.slack", "bot.telemetry"),
    "bot/scheduler.py": ("bot.flows", "bot.runtime", "bot.db"),
    # A request or a job: listeners, then the one flow each calls.
    "handlers": ("handlers", "bot.flows", "bot.domain", "message_blocks"),
    "bot/flows": (
        "bot.flows", "bot.services", "bot.db", "bot.domain", "bot.classifier", "bot.config", "bot.settings", "bot.runtime", "bot.slack",
        "bot.telemetry", "message_blocks", "sources",
    ),
    # What a flow is handed (rt): the process's shared resources. Below flows, above what it builds.
    "bot/runtime.py": ("bot.slack", "bot.classifier", "bot.db", "bot.config", "bot.settings", "bot.telemetry"),
    "bot/slack": ("bot.slack", "bot.services", "bot.db", "bot.domain", "bot.config", "message_blocks"),
    "bot/services": ("bot.services", "bot.db", "bot.domain", "bot.classifier", "bot.config", "sources"),
    # The TOML file, read by everything from services up.
    "bot/config.py": ("bot.settings", "bot.classifier", "sources"),
    "message_blocks": ("message_blocks", "bot.domain"),
    "bot/classifier": ("bot.classifier", "bot.domain"),
    "bot/db": ("bot.db", "bot.domain"),
    "sources": ("sources",),
    # The bottom: the environment, and the pure rules, vocabulary and views.
    "bot/settings.py": (),
    # Process-wide counters for /metrics, the log format, the container's probe: nothing of ours below them.
    "bot/telemetry.py": (),
    "bot/logs.py": (),
    "bot/healthcheck.py": (),
    "bot/domain": ("bot.domain",),
    "bot/__init__.py": (),
}


def modules(entry: str) -> list[Path]:
    path = ROOT / entry
    return [path] if path.suffix == ".py" else sorted(path.rglob("*.py"))


def imported_modules(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return [name for name in names if name.split(".")[0] in OURS]


def test_every_package_imports_only_the_layers_below_it() -> None:
    wrong = [
        f"{path.relative_to(ROOT)} imports {name}"
        for entry, allowed in ALLOWED.items()
        for path in modules(entry)
        for name in imported_modules(path)
        if not any(name == layer or name.startswith(layer + ".") for layer in allowed)
    ]
    assert wrong == []


def test_every_module_of_ours_is_in_exactly_one_entry() -> None:
    claimed = [path for entry in ALLOWED for path in modules(entry)]
    ours = sorted(path for package in OURS if package != "tests" for path in (ROOT / package).rglob("*.py"))
    assert sorted(claimed) == ours


def documented_table() -> list[tuple[str, tuple[str, ...]]]:
    """docs/architecture.md's layer table: (entry, what it may import) per row, top to bottom."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| `([\w/.]+)` \|[^|]*\| ([^|]*) \|$", text, flags=re.MULTILINE)
    return [(entry.rstrip("/"), tuple(re.findall(r"`([\w.]+)`", may))) for entry, may in rows]


def test_the_architecture_document_shows_exactly_this_table() -> None:
    assert documented_table() == list(ALLOWED.items())


def test_the_package_docstrings_point_to_the_document_instead_of_restating_it() -> None:
    packages = [entry for entry in ALLOWED if not entry.endswith(".py")] + ["bot"]
    stale = [entry for entry in packages if "docs/architecture.md" not in (ast.get_docstring(ast.parse((ROOT / entry / "__init__.py").read_text())) or "")]
    assert stale == []


def test_the_checker_sees_a_wrong_import(tmp_path: Path) -> None:
    module = tmp_path / "flow.py"
    module.write_text("from handlers.guard import later\nimport bot.db.models\n")
    assert imported_modules(module) == ["handlers.guard", "bot.db.models"]


def test_no_sql_outside_services_and_db() -> None:
    sql = ("from sqlalchemy import", "select(", ".execute(", "session.add(", "session.get(")
    wrong = [
        f"{path.relative_to(ROOT)}: {marker}"
        for folder in ("bot/flows", "bot/slack", "handlers", "message_blocks", "sources", "bot/domain")
        for path in (ROOT / folder).rglob("*.py")
        for marker in sql
        if marker in path.read_text(encoding="utf-8")
    ]
    assert wrong == []


def test_no_module_is_over_300_lines() -> None:
    long = [
        f"{path.relative_to(ROOT)}: {n}"
        for folder in ("bot", "handlers", "message_blocks", "sources")
        for path in (ROOT / folder).rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > 300
    ]
    assert long == []
