"""`python -m bot.healthcheck`: whatever goes wrong is one line on stderr and exit 1, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot import healthcheck


def test_a_port_file_that_holds_no_port_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "port").write_text("garbage\n")
    monkeypatch.setenv("COMPLAINT_BOT_PORT_FILE", str(tmp_path / "port"))
    assert healthcheck.main() == 1
    assert capsys.readouterr().err == "http://127.0.0.1:garbage/healthz: nonnumeric port: 'garbage'\n"
