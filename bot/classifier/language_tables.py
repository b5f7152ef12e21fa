"""py3langid's model tables, unpacked once into a cache directory and read from there at every later start.

The wheel ships the model LZMA-compressed, with float16 weights that the identifier widens to float32: unpacking and
widening cost 0.4-1.3 s of CPU at every start, which a `poll --once` run from cron pays each time. The unpacked float32
tables are kept as .npy files in the user's cache directory (XDG_CACHE_HOME, else ~/.cache), in a folder named after
the compressed file's SHA-256, so a new py3langid model is unpacked afresh; reading them costs about 70 ms of CPU.
They are read into memory, not memory-mapped: the identifier gathers rows all over its 57 MB weight table, and from a
mapped file identification plus scoring of the seven languages' tweets ran 10 % slower (4,931 against 5,488-6,041
texts/s; benchmarks/languages.py), below the 5,000 a second it must keep. A cache directory that is missing,
read-only or damaged only costs the unpacking: the tables are then built from the wheel's file as before. The arrays
are the same either way (the tests compare them).
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from py3langid.langid import MODEL_DIR, MODEL_FILE
from py3langid.modelio import load_model

log = logging.getLogger(__name__)

MODEL_PATH = MODEL_DIR / MODEL_FILE
# Part of the cache folder's name: a change to what is stored there (or how) must not read an older layout.
LAYOUT = "v1"
_FILES = ("weights", "priors", "classes", "nextmove", "rows", "output")


@dataclass(frozen=True)
class Tables:
    """What the identifier reads: naive Bayes weights per byte sequence and language, and the automaton that finds
    the byte sequences in a text (py3langid's visit_counts walks it)."""

    weights: np.ndarray  # float32, one row per byte sequence, one column per class
    priors: np.ndarray  # float32, one per class
    classes: list[str]
    nextmove: Sequence[int]  # the automaton's distinct transition rows, 256 entries each
    rowbase: list[int]  # each state's first entry in nextmove
    output: list[int]  # the byte sequence each state completes, or -1


def default_cache_root() -> Path | None:
    """Where the unpacked tables are kept: $XDG_CACHE_HOME/complaint-bot, else ~/.cache/complaint-bot (None without
    a home directory)."""
    base = os.environ.get("XDG_CACHE_HOME")
    if base:
        return Path(base) / "complaint-bot"
    try:
        return Path.home() / ".cache" / "complaint-bot"
    except RuntimeError:
        return None


def load_tables(cache_root: Path | None, model: Path = MODEL_PATH) -> Tables:
    """The tables of `model`: read from `cache_root` when unpacked there before, else unpacked (and kept there)."""
    if cache_root is None:
        return _unpack(model)
    folder = cache_root / f"py3langid-{LAYOUT}-{_digest(model)}"
    if folder.is_dir():
        try:
            return _read(folder)
        except (OSError, ValueError) as exc:
            log.warning("the language identifier's cached tables in %s are unreadable (%s): unpacking them again", folder, exc)
            shutil.rmtree(folder, ignore_errors=True)
    tables = _unpack(model)
    _keep(tables, folder)
    return tables


def _digest(model: Path) -> str:
    with model.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()[:32]


def _unpack(model: Path) -> Tables:
    ptc, pc, classes, nextmove, row, output = load_model(model)
    return Tables(
        weights=np.asarray(ptc, dtype=np.float32),
        priors=np.asarray(pc, dtype=np.float32),
        classes=list(classes),
        nextmove=nextmove,
        rowbase=[r << 8 for r in row],
        output=list(output),
    )


def _arrays(tables: Tables) -> dict[str, np.ndarray]:
    return {
        "weights": tables.weights,
        "priors": tables.priors,
        "classes": np.array(tables.classes),
        "nextmove": np.asarray(tables.nextmove, dtype=np.uint32),
        "rows": np.array([base >> 8 for base in tables.rowbase], dtype=np.uint32),
        "output": np.array(tables.output, dtype=np.int32),
    }


def _keep(tables: Tables, folder: Path) -> None:
    """Write the tables beside `folder` and rename them into place, so that a reader (another process starting at the
    same time) sees all of them or none. Any failure leaves the cache as it was."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        scratch = Path(tempfile.mkdtemp(prefix=f".{folder.name}-", dir=folder.parent))
    except OSError as exc:
        log.info("the language identifier's tables are not cached (%s): they are unpacked at every start", exc)
        return
    try:
        for name, values in _arrays(tables).items():
            np.save(scratch / f"{name}.npy", values, allow_pickle=False)
        scratch.rename(folder)
    except OSError as exc:  # a full disk, or another process renamed its copy into place first
        if not folder.is_dir():
            log.info("the language identifier's tables are not cached (%s): they are unpacked at every start", exc)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _read(folder: Path) -> Tables:
    arrays = {name: np.load(folder / f"{name}.npy", allow_pickle=False) for name in _FILES}
    weights, priors, classes = arrays["weights"], arrays["priors"], arrays["classes"]
    rows, output = arrays["rows"], arrays["output"]
    consistent = (
        weights.dtype == priors.dtype == np.float32 and weights.ndim == 2 and priors.shape == (weights.shape[1],)
        and classes.shape == priors.shape and arrays["nextmove"].dtype == np.uint32 and rows.shape == output.shape
        and output.dtype == np.int32
    )
    if not consistent:
        raise ValueError("the tables do not fit together")
    return Tables(
        weights=weights,
        priors=priors,
        classes=classes.tolist(),
        nextmove=memoryview(arrays["nextmove"]),
        rowbase=[r << 8 for r in rows.tolist()],
        output=output.tolist(),
    )

