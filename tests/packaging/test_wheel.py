"""A plain install (a wheel, as the Docker image installs it) carries everything the bot reads at run time:
the migrations, the shipped model, the bundled sample feed. Built and installed into a throwaway virtualenv."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
NOT_SHIPPED = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", "tests", "benchmarks", "*.db", ".*cache")


def run(*argv: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run([str(a) for a in argv], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, f"{argv}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.mark.slow
def test_the_built_wheel_migrates_and_previews_with_no_checkout_beside_it(tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SHIPPED)
    # No build isolation: the setuptools of this environment builds it, so no network is needed.
    run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation", "--no-index", "--wheel-dir", tmp_path / "dist", ".", cwd=source)
    (wheel,) = (tmp_path / "dist").glob("complaint_bot-*.whl")

    venv = tmp_path / "venv"
    run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python = venv / "bin" / "python"
    site_packages = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path).strip())
    # The dependencies are this environment's (a .pth line, not a download); the project itself only comes from the wheel.
    (site_packages / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps", "--no-index", wheel, cwd=tmp_path)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "COMPLAINT_BOT_", "DATABASE_URL", "PYTHON"))}
    env["DATABASE_URL"] = f"sqlite:///{elsewhere / 'bot.db'}"
    where = run(python, "-c", "import bot; print(bot.__file__)", cwd=elsewhere, env=env)
    assert where.startswith(str(site_packages)), where

    upgraded = run(venv / "bin" / "complaint-bot", "db", "upgrade", cwd=elsewhere, env=env).splitlines()
    assert upgraded[0] == "applied 0001: initial schema" and upgraded[-1].endswith("bot.db is up to date")
    previewed = run(venv / "bin" / "complaint-bot", "preview", "--sample", cwd=elsewhere, env=env)
    assert "4 cards would be posted to C0SAMPLE00." in previewed
