"""Every kind's class, imported only when a config names its kind (sources/__init__.py)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from sources import SOURCE_TYPES, config_model

ROOT = Path(__file__).resolve().parents[3]


def test_every_kind_is_read_by_a_class_of_that_kind() -> None:
    assert len(SOURCE_TYPES) == 13
    for kind in SOURCE_TYPES:
        assert SOURCE_TYPES[kind].kind == kind
        assert config_model(kind) is SOURCE_TYPES[kind].Config


def test_a_config_of_rss_feeds_imports_no_other_sources_module() -> None:
    """A `poll --once` of RSS feeds does not pay for importing the other kinds (Google Play's brings in google-auth)."""
    program = """
import json, sys
from bot.config import parse_config
parse_config('[brand]\\nterms = ["Acme"]\\n[slack]\\nchannel = "C0TRIAGE01"\\n[[sources]]\\nkind = "rss"\\nname = "alerts"\\nurl = "https://feeds.example.com/a.xml"\\n', "test")
print(json.dumps(sorted(name for name in sys.modules if name.startswith(("sources.", "google")))))
"""
    done = subprocess.run([sys.executable, "-c", program], cwd=ROOT, capture_output=True, text=True, check=True, env={"PYTHONPATH": str(ROOT)})
    imported = json.loads(done.stdout)
    assert "sources.rss" in imported
    assert not [name for name in imported if name.startswith(("sources.googleplay", "sources.bluesky", "sources.github", "google"))], imported
