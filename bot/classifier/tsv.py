"""Labelled TSV files: `text<TAB>label` with a header line, label 1 = negative / complaint."""

from __future__ import annotations

import csv
import sys
from pathlib import Path


class DataError(ValueError):
    pass


def read_labelled(path: Path) -> tuple[list[str], list[int]]:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    except FileNotFoundError:
        raise DataError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise DataError(f"{path}: not UTF-8 text") from None
    except OSError as exc:  # a folder, no permission: still one line naming the file
        raise DataError(f"{path}: cannot read it ({exc.strerror})") from None
    if not rows or [c.strip().lower() for c in rows[0][:2]] != ["text", "label"]:
        raise DataError(f"{path}: the first line must be the header 'text<TAB>label'")
    texts, labels = [], []
    for number, row in enumerate(rows[1:], start=2):
        if not row:
            continue
        if len(row) < 2 or row[-1].strip() not in ("0", "1"):
            raise DataError(f"{path}:{number}: expected text<TAB>0 or 1")
        texts.append("\t".join(row[:-1]))
        labels.append(int(row[-1]))
    if not texts:
        raise DataError(f"{path}: no labelled rows")
    return texts, labels


def write_labelled(rows: list[tuple[str, int]], path: Path) -> None:
    """The format read_labelled reads: a header, then one line per text (tabs and newlines become spaces)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter="\t", quoting=csv.QUOTE_NONE, escapechar="\\", lineterminator="\n")
        writer.writerow(["text", "label"])
        for text, label in rows:
            writer.writerow([" ".join(text.split()), label])
