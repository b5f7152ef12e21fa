"""The layers keep their direction: each package imports only what docs/architecture.md's Architecture section allows."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OURS = ("bot", "handlers", "message_blocks", "sources")
ALLOWED = {
    "bot/db": ("bot.db", "bot.domain"),
    "bot/domain": ("bot.domain",),
    "message_blocks": ("message_blocks", "bot.domain"),
    "sources": ("sources",),
    "bot/classifier": ("bot.classifier", "bot.domain"),
    "bot/services": ("bot.services", "bot.db", "bot.domain", "bot.classifier", "bot.config", "sources"),
    "bot/slack": ("bot.slack", "bot.services", "bot.db", "bot.domain", "bot.config", "message_blocks"),
    "bot/flows": (
        "bot.flows", "bot.services", "bot.db", "bot.domain", "bot.classifier", "bot.config", "bot.settings", "bot.runtime", "bot.slack",
        "bot.telemetry", "message_blocks", "sources",
    ),
    "handlers": ("handlers", "bot.flows", "bot.domain", "message_blocks"),
}


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
        for folder, allowed in ALLOWED.items()
        for path in sorted((ROOT / folder).rglob("*.py"))
        for name in imported_modules(path)
        if not any(name == layer or name.startswith(layer + ".") for layer in allowed)
    ]
    assert wrong == []


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
