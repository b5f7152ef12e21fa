"""`eval` on a tiny hand-labelled file: numbers checked by hand, clear errors for bad files."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.classifier.evaluate import evaluate, table
from bot.classifier.metrics import scores
from bot.classifier.tsv import DataError, read_labelled
from bot.cli import main


def test_scores_match_a_hand_count() -> None:
    # tp=2, fp=1, fn=1, tn=2: precision 2/3, recall 2/3; the other class the same -> macro 2/3.
    result = scores([1, 1, 1, 0, 0, 0], [True, True, False, True, False, False])
    assert result["precision"] == pytest.approx(2 / 3) and result["recall"] == pytest.approx(2 / 3)
    assert result["f1"] == pytest.approx(2 / 3) and result["macro_f1"] == pytest.approx(2 / 3)


def tsv(tmp_path: Path, rows: list[tuple[str, int]], name: str = "dev.tsv") -> Path:
    path = tmp_path / name
    path.write_text("text\tlabel\n" + "".join(f"{t}\t{y}\n" for t, y in rows), encoding="utf-8")
    return path


def test_eval_table_has_one_row_per_detector(tmp_path: Path) -> None:
    path = tsv(tmp_path, [("bad", 1), ("awful", 1), ("fine", 0), ("good", 0)])
    lookup = {"bad": 0.9, "awful": 0.4, "fine": 0.6, "good": 0.1}
    rows, notes = evaluate(path, {"toy": lookup.__getitem__}, compare=True, dev_path=None, threshold=0.5)
    assert rows[0].detector == "toy (score >= 0.5)"
    assert (rows[0].precision, rows[0].recall, rows[0].f1) == (0.5, 0.5, 0.5)
    assert [r.detector.split(" (")[0] for r in rows] == ["toy", "VADER", "VADER", "TextBlob", "TextBlob"]
    assert "chose their threshold on dev.tsv itself" in notes[0]
    rendered = table(rows)
    assert rendered.splitlines()[0] == "| detector | precision | recall | f1 | macro-f1 | texts/s |"
    assert "| toy (score >= 0.5) | 0.500 | 0.500 | 0.500 | 0.500 |" in rendered


def test_bad_files_get_one_clear_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("text\tlabel\nhello\tmaybe\n")
    with pytest.raises(DataError, match=r"bad.tsv:2: expected text<TAB>0 or 1"):
        read_labelled(bad)
    assert main(["eval", str(bad)]) == 2
    assert "bad.tsv:2: expected text<TAB>0 or 1" in capsys.readouterr().err
    assert main(["eval", str(tmp_path / "missing.tsv")]) == 2
    assert main(["eval", str(tmp_path)]) == 2
    assert f"{tmp_path}: cannot read it (Is a directory)" in capsys.readouterr().err
    headerless = tsv(tmp_path, [], name="x.tsv")
    headerless.write_text("oops\n")
    with pytest.raises(DataError, match="header"):
        read_labelled(headerless)


def test_classify_command_prints_score_verdict_and_reasons(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["classify", "Acme lost my parcel and will not refund me", "--rating", "1"]) == 0
    line = capsys.readouterr().out.strip()
    assert line.startswith("0.9") and "NEGATIVE" in line and "1-star review" in line


def test_classify_command_scores_a_text_in_its_identified_language_as_ingest_does(capsys: pytest.CaptureFixture[str]) -> None:
    from bot.classifier.linear import LinearClassifier

    text = "Priya says the Acme store in Leeds opens at nine on Friday."
    as_ingest = LinearClassifier().classify(text, brand_terms=("Acme",), language="en").score
    assert main(["classify", "--brand", "Acme", text]) == 0
    assert capsys.readouterr().out.startswith(f"{as_ingest:.3f} not negative")


def test_eval_all_prints_one_table_per_set_with_the_baselines(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name, rows in (
        ("shop", [("awful, still no refund", 1), ("thanks, it arrived early", 0)]),
        ("forum", [("this update broke everything", 1), ("nice photo", 0), ("meh", 0)]),
        ("xlmt-hindi", [("yaar ye phone bahut bekaar hai", 1), ("bahut accha hai", 0)]),
    ):
        (tmp_path / name).mkdir()
        tsv(tmp_path / name, rows)
    (tmp_path / "train-only").mkdir()
    tsv(tmp_path / "train-only", [("bad", 1)], name="train.tsv")
    assert main(["eval", "--all", "--data", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert out.index("**forum** (3 rows)") < out.index("**shop** (2 rows)") and "train-only" not in out
    assert out.count("| detector | precision | recall | f1 | macro-f1 | texts/s |") == 3
    assert out.count("| default (score >= 0.5) |") == 3
    assert out.count("| VADER (compound <= -0.05) |") == 3 and out.count("| TextBlob (best threshold on dev.tsv: ") == 3
    # The shipped model does not claim romanised Hindi: the table says how the bot treats it.
    assert out.count("The detector does not claim") == 1
    assert out.index("**xlmt-hindi**") < out.index("The detector does not claim Hindi: ingest routes such mentions to a person unscored.")


def test_eval_needs_a_file_or_all(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval"]) == 2
    assert "give either FILE, --all or --behaviour" in capsys.readouterr().err
    assert main(["eval", "--all", "--data", str(tmp_path)]) == 2
    assert "no SET/dev.tsv files" in capsys.readouterr().err
