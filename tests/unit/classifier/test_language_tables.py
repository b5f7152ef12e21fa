"""py3langid's tables unpacked once into a cache directory (bot/classifier/language_tables.py): the same tables and
languages from the cache as from the wheel's file, and a cache that cannot be used never stops the identifier."""

from __future__ import annotations

import lzma
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from bot.classifier import language_tables
from bot.classifier.language import _Identifier, readable
from bot.classifier.language_tables import MODEL_PATH, Tables, default_cache_root, load_tables

TEXTS = [
    "El pedido llegó roto y nadie de atención al cliente me responde",
    "Le colis est arrivé cassé et le service client ne répond jamais",
    "Das Paket kam kaputt an und der Kundendienst antwortet einfach nicht",
    "Il pacco è arrivato rotto e il servizio clienti non risponde mai",
    "Пакет је стигао поломљен и нико не одговара",
    "ACME HAS LOST MY PARCEL AGAIN",
    "",
]


@pytest.fixture(scope="module")
def unpacked() -> Tables:
    return load_tables(None)


def assert_same(tables: Tables, expected: Tables) -> None:
    assert np.array_equal(tables.weights, expected.weights) and tables.weights.dtype == np.float32
    assert np.array_equal(tables.priors, expected.priors) and tables.priors.dtype == np.float32
    assert tables.classes == expected.classes
    assert np.array_equal(np.asarray(tables.nextmove), np.asarray(expected.nextmove))
    assert tables.rowbase == expected.rowbase and tables.output == expected.output
    texts = [readable(text) for text in TEXTS]
    assert _Identifier(tables).classify_all(texts) == _Identifier(expected).classify_all(texts)


def cached_folders(root: Path) -> list[Path]:
    return sorted(p for p in root.iterdir() if p.is_dir())


def never_unpack(monkeypatch: pytest.MonkeyPatch) -> None:
    def unpack(model: Path) -> Tables:
        raise AssertionError(f"{model} unpacked although its tables are in the cache")

    monkeypatch.setattr(language_tables, "_unpack", unpack)


def test_the_first_start_unpacks_and_keeps_the_tables_and_later_ones_read_the_same_tables(
    tmp_path: Path, unpacked: Tables, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = load_tables(tmp_path)
    [folder] = cached_folders(tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == ["classes.npy", "nextmove.npy", "output.npy", "priors.npy", "rows.npy", "weights.npy"]
    never_unpack(monkeypatch)
    later = load_tables(tmp_path)
    # In memory, not mapped from the file: the identifier gathers rows all over the weights.
    assert not isinstance(later.weights, np.memmap) and isinstance(later.nextmove, memoryview)
    assert_same(first, unpacked)
    assert_same(later, unpacked)
    assert cached_folders(tmp_path) == [folder]


@pytest.mark.parametrize(
    "damage",
    [
        lambda folder: (folder / "weights.npy").write_bytes((folder / "weights.npy").read_bytes()[:1000]),
        lambda folder: (folder / "classes.npy").unlink(),
        lambda folder: np.save(folder / "priors.npy", np.zeros(3, dtype=np.float32)),  # tables that do not fit together
    ],
    ids=["truncated", "missing", "inconsistent"],
)
def test_a_damaged_cache_is_unpacked_again_and_replaced(
    tmp_path: Path, unpacked: Tables, damage: Callable[[Path], object], monkeypatch: pytest.MonkeyPatch
) -> None:
    load_tables(tmp_path)
    [folder] = cached_folders(tmp_path)
    damage(folder)
    assert_same(load_tables(tmp_path), unpacked)
    never_unpack(monkeypatch)
    assert_same(load_tables(tmp_path), unpacked)


def test_a_cache_directory_that_cannot_be_made_costs_only_the_unpacking(tmp_path: Path, unpacked: Tables) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory")
    assert_same(load_tables(blocker / "cache"), unpacked)
    assert blocker.read_text() == "not a directory"


def test_another_model_file_is_unpacked_into_its_own_folder(tmp_path: Path, unpacked: Tables) -> None:
    """The folder is named after the file's content: a py3langid upgrade never reads the tables of its predecessor.
    (An empty second LZMA stream changes the file, not the model.)"""
    load_tables(tmp_path)
    other = tmp_path / "model.npz.xz"
    shutil.copyfile(MODEL_PATH, other)
    with other.open("ab") as file:
        file.write(lzma.compress(b""))
    assert_same(load_tables(tmp_path, model=other), unpacked)
    assert len(cached_folders(tmp_path)) == 2


def test_the_cache_lives_in_the_users_cache_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert default_cache_root() == tmp_path / "complaint-bot"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_cache_root() == tmp_path / "home" / ".cache" / "complaint-bot"
