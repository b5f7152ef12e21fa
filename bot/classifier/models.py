"""The team's models in the data directory: read one safely, say which is in use, switch atomically.

A models folder holds model files (`*.npz`, adapters from `train --add` or full models from `train
--data`) and `current`, a one-line pointer naming the file in use. `model use` writes the pointer to
a temporary file and renames it over the old one: a reader sees the old name or the new one, never
half of either, and two switches at once leave one of the two, complete. Model files are never
changed once written (they are copied in under a new name), so the file a pointer names is whole.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot.classifier.adapter import FORMAT, Adapter, sha256_of
from bot.classifier.base import Classification, Classifier, ModelError
from bot.classifier.linear import MODEL_PATH, LinearClassifier, LinearModel, rated

POINTER = "current"
MODEL_SUFFIX = ".npz"


@lru_cache(maxsize=1)
def shipped_sha256() -> str:
    """The fingerprint of the installed package's model, which adapters name as their base."""
    return sha256_of(MODEL_PATH)


class TeamClassifier:
    """The shipped detector with the team's adapter on top: same passages, evidence and star ratings."""

    name = "team"

    def __init__(self, adapter: Adapter, base: LinearClassifier | None = None) -> None:
        self.adapter = adapter
        self.base = base or LinearClassifier()
        self.supported_languages = self.base.supported_languages

    def classify(self, text: str, *, rating: int | None = None, brand_terms: Sequence[str] = (), language: str | None = None) -> Classification:
        judged = self.base.judge(text, brand_terms, language)
        score = float(1 / (1 + np.exp(-self.adapter.logit(judged.logit, text))))
        reasons: tuple[str, ...] = ()
        if rating is not None:
            score, reason = rated(score, rating)
            reasons = (reason,)
        return Classification(round(score, 4), reasons, judged.evidence if score >= 0.5 else "")


@dataclass(frozen=True)
class ModelInfo:
    path: Path
    kind: str  # "adapter" (train --add) or "full" (train --data)
    base_sha256: str | None
    rows: int | None
    created: str | None


def _complete(path: Path) -> np.lib.npyio.NpzFile:
    if not path.is_file():
        raise ModelError(f"{path}: no such model file")
    try:
        with zipfile.ZipFile(path) as archive:
            broken = archive.testzip()  # reads every member: a truncated copy fails here, not halfway through loading
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error):
        raise ModelError(f"{path}: not a complete model file (truncated, or not a model at all)") from None
    if broken is not None:
        raise ModelError(f"{path}: damaged model file ({broken} does not read back)")
    return np.load(path, allow_pickle=False)


def read_model(path: Path) -> tuple[Classifier, ModelInfo]:
    """The classifier a model file holds, or ModelError naming the file: missing, truncated, foreign, or over another base."""
    model, info = _read(path)
    return (TeamClassifier(model) if isinstance(model, Adapter) else LinearClassifier(model)), info


def check_model(path: Path) -> ModelInfo:
    """What read_model checks and tells of a file, without building a classifier (an adapter's would load the shipped model)."""
    return _read(path)[1]


def _read(path: Path) -> tuple[Adapter | LinearModel, ModelInfo]:
    try:
        with _complete(path) as data:
            if "format" in data.files:
                if str(data["format"]) != FORMAT:
                    raise ModelError(f"{path}: a model format this version does not read ({data['format']}; it reads {FORMAT})")
                adapter = Adapter.from_arrays(data)
            elif "experts" not in data.files:
                raise ModelError(f"{path}: not a complaint-bot model (an .npz without a model's arrays)")
            else:
                return LinearModel.load(path), ModelInfo(path, "full", None, None, _modified(path))
    except (KeyError, ValueError, TypeError) as exc:
        raise ModelError(f"{path}: not a complaint-bot model ({type(exc).__name__}: {exc})") from None
    trained = adapter.provenance
    if trained.base_sha256 != shipped_sha256():
        raise ModelError(
            f"{path}: trained over another shipped model (sha256 {trained.base_sha256[:12]}…, this install ships {shipped_sha256()[:12]}…): "
            "train it again with `complaint-bot train --add`"
        )
    return adapter, ModelInfo(path, "adapter", trained.base_sha256, trained.rows, trained.created)


def _modified(path: Path) -> str:
    return datetime.fromtimestamp(path.stat().st_mtime, UTC).isoformat(timespec="seconds")


def pointed_at(directory: Path) -> Path | None:
    """The model file `current` names in `directory`, if it names one."""
    try:
        name = (directory / POINTER).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    except OSError as exc:  # models_dir is a file, or the pointer a directory or unreadable
        raise ModelError(f"{directory / POINTER}: cannot read the model pointer ({exc.strerror})") from None
    except UnicodeDecodeError:
        raise ModelError(f"{directory / POINTER}: not a model pointer (not UTF-8 text)") from None
    return directory / name if name else None


def _write_atomically(directory: Path, name: str, write: object) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=directory, prefix=f".{name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            if isinstance(write, bytes):
                out.write(write)
            else:
                with Path(str(write)).open("rb") as source:
                    shutil.copyfileobj(source, out)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, directory / name)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return directory / name


def save_new(directory: Path, write: object, name: str) -> Path:
    """A new model file in `directory` (a copy of a path, or bytes), under `name` or a free variant of it."""
    stem, suffix = Path(name).stem, Path(name).suffix or MODEL_SUFFIX
    candidate, number = f"{stem}{suffix}", 1
    while (directory / candidate).exists():
        number += 1
        candidate = f"{stem}-{number}{suffix}"
    return _write_atomically(directory, candidate, write)


def use(directory: Path, path: Path) -> ModelInfo:
    """Check `path` reads as a model, copy it into `directory` if it lives elsewhere, and point `current` at it."""
    info = check_model(path)
    inside = path.resolve().parent == directory.resolve()
    target = path if inside else save_new(directory, path, path.name)
    _write_atomically(directory, POINTER, f"{target.name}\n".encode())
    return ModelInfo(target, info.kind, info.base_sha256, info.rows, info.created)


def use_shipped(directory: Path) -> None:
    """Point `current` at nothing: the bot scores with the shipped model again."""
    _write_atomically(directory, POINTER, b"\n")


def listed(directory: Path) -> list[ModelInfo | ModelError]:
    """Every model file in `directory`, newest first: what it is, or why it does not read."""
    found: list[ModelInfo | ModelError] = []
    files = sorted(directory.glob(f"*{MODEL_SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True) if directory.is_dir() else []
    for path in files:
        try:
            found.append(check_model(path))
        except ModelError as exc:
            found.append(exc)
    return found


@dataclass(frozen=True)
class ModelLocations:
    """Where the team's models live (the data directory's models folder) and the config's pin, if any."""

    directory: Path
    pinned: Path | None

    def in_use(self) -> Path | None:
        """The team's model the bot scores with: the pin, else what `model use` chose, else None (the shipped one)."""
        return self.pinned if self.pinned is not None else pointed_at(self.directory)


def default_directory(database_url: str, config_path: Path) -> Path:
    """`models/` beside the SQLite database file; for another database, beside the config file."""
    prefix = "sqlite:///"
    if database_url.startswith(prefix) and database_url[len(prefix):] not in ("", ":memory:"):
        return Path(database_url[len(prefix):].split("?")[0]).parent / "models"
    return config_path.parent / "models"
