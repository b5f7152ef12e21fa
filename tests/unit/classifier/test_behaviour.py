"""The behavioural suite itself: its changes do what their names say, its counting is right, and `eval --behaviour` prints it."""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from pathlib import Path

import pytest

from bot.classifier import behaviour_cases as cases
from bot.classifier.behaviour import (
    NEUTRAL_CHANGES,
    Detector,
    Check,
    add_framing,
    add_markup,
    add_typos,
    build_suite,
    other_names,
    report,
    run,
)
from bot.classifier.language import identify
from bot.classifier.linear import LinearClassifier
from bot.cli import main

REAL = ["The flight was fine, landed early.", "my bag is lost and nobody answers", "Love this song so much"]


def test_the_suite_is_the_same_every_time_and_covers_every_kind() -> None:
    first, second = build_suite(REAL), build_suite(REAL)
    assert first == second
    assert {t.kind for t in first} == {"MFT", "INV", "DIR"}
    assert all(t.pairs for t in first)
    real_tests = [t for t in first if t.name.endswith("(real dev texts)")]
    assert len(real_tests) == len(NEUTRAL_CHANGES) + 1  # and a greeting or a sign-off
    assert all([original for original, _ in t.pairs] == REAL for t in real_tests)


def test_a_case_added_to_one_test_leaves_the_other_tests_cases_as_they_were(monkeypatch: pytest.MonkeyPatch) -> None:
    before = {t.name: t.pairs for t in build_suite(REAL)}
    monkeypatch.setattr(cases, "SARCASTIC_COMPLAINTS", (*cases.SARCASTIC_COMPLAINTS, "Wonderful, {brand} lost my {product} again."))
    after = {t.name: t.pairs for t in build_suite(REAL)}
    changed = {name for name in before if after[name] != before[name]}
    # The generated pool the INV and DIR tests change is drawn from the first four tests, not from sarcasm.
    assert changed == {"sarcastic complaints flagged"}


def test_generated_cases_fill_every_slot() -> None:
    suite = build_suite(REAL)
    texts = [text for t in suite for pair in t.pairs for text in pair]
    assert not [t for t in texts if re.search(r"\{\w+\}", t)]
    mft = [t for t in suite if t.kind == "MFT"]
    assert all(len({text for text, _ in t.pairs}) == len(t.pairs) for t in mft)  # no duplicate cases


def test_long_posts_have_the_complaint_paragraph_in_the_middle() -> None:
    for post, brand in cases.long_posts(random.Random(1), 20):
        paragraphs = post.split("\n\n")
        where = [i for i, p in enumerate(paragraphs) if brand in p]
        assert len(paragraphs) >= 3 and where and 0 < where[0] < len(paragraphs) - 1


def test_posts_naming_the_brand_earlier_complain_about_it_later_without_its_name() -> None:
    shapes = [re.compile(re.sub(r"\\\{\w+\\\}", ".+", re.escape(t))) for t in cases.REFERRED_COMPLAINTS]
    for post, brand in cases.posts_naming_the_brand_earlier(random.Random(1), 20):
        paragraphs = post.split("\n\n")
        named = [i for i, p in enumerate(paragraphs) if brand in p]
        complaint = [i for i, p in enumerate(paragraphs) if any(shape.fullmatch(p) for shape in shapes)]
        assert len(paragraphs) >= 4 and len(named) == len(complaint) == 1 and 1 <= complaint[0] - named[0] <= 2


def test_posts_naming_the_brand_earlier_can_complain_about_someone_else_instead() -> None:
    for post, brand in cases.posts_naming_the_brand_earlier(random.Random(1), 20, about_brand=False):
        paragraphs = post.split("\n\n")
        named = [i for i, p in enumerate(paragraphs) if brand in p]
        blamed = [i for i, p in enumerate(paragraphs) if p in cases.OTHERS_TO_BLAME]
        assert len(named) == len(blamed) == 1 and 1 <= blamed[0] - named[0] <= 2


def test_neutral_changes_add_only_what_their_names_say() -> None:
    rng = random.Random(3)
    text = "Acme charged me twice for my kettle and still refuses to refund the £40."
    for name, change in NEUTRAL_CHANGES.items():
        changed = change(text, rng)
        assert changed != text, name
    assert re.fullmatch(r".*(<b>|\*\*|<p>|_|<https://example\.com/x\||> |\[).*", add_markup(text, rng))
    typo = add_typos(text, random.Random(5))
    assert typo != text and len(typo.split()) == len(text.split()) and "Acme" in typo
    framed = {add_framing(text, random.Random(seed)) for seed in range(12)}
    assert all(text in f and f != text for f in framed) and any(f.startswith(cases.GREETINGS) for f in framed)
    assert any(f.endswith(cases.SIGN_OFFS) for f in framed)
    renamed = other_names(text, random.Random(2))
    assert "Acme" not in renamed and "£40" not in renamed and "kettle" not in renamed
    assert any(b in renamed for b in cases.BRANDS)


def _lookup(scores: dict[str, float]) -> Detector:
    def score(text: str, brand: Sequence[str]) -> float:
        return scores[text]

    return Detector("toy", score, 0.5)


def test_failures_are_counted_per_kind() -> None:
    toy = _lookup({"a": 0.9, "b": 0.2, "a+": 0.4, "b+": 0.3, "c": 0.95, "c+": 0.94})
    assert run(Check("mft", "MFT", (("a", ""), ("b", ""))), toy).failures == 1
    assert run(Check("mft-not", "MFT", (("a", ""), ("b", "")), expect_negative=False), toy).failures == 1
    flipped = run(Check("inv", "INV", (("a", "a+"), ("b", "b+"))), toy)
    assert flipped.failures == 1 and flipped.rate == 0.5 and flipped.example == "a+"
    assert run(Check("dir", "DIR", (("a", "a+"), ("b", "b+"), ("c", "c+"))), toy).failures == 1  # c: within DIR_TOLERANCE


def test_report_has_one_row_per_test_and_a_column_per_detector() -> None:
    suite = [Check("clear", "MFT", (("a", ""), ("b", "")))]
    rendered, outcomes = report(suite, [_lookup({"a": 0.9, "b": 0.1}), Detector("other", lambda t, b: 0.0, 0.5)])
    assert rendered.splitlines()[0] == "| test | kind | cases | toy fails | other fails |"
    assert rendered.splitlines()[2] == "| clear | MFT | 2 | 50.0% | 100.0% |"
    assert outcomes["other"][0].failures == 2


def test_eval_behaviour_prints_the_table_beside_vader(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("tweeteval", "complaints", "airline", "goemotions", "sentences"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "dev.tsv").write_text("text\tlabel\n" + "".join(f"{t}\t{i % 2}\n" for i, t in enumerate(REAL)), encoding="utf-8")
    assert main(["eval", "--behaviour", "--data", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "| test | kind | cases | default fails | VADER fails |" in out
    assert "| sarcastic complaints flagged | MFT | 240 |" in out
    assert "verdict flips (real dev texts) | INV | 15 |" in out


def test_eval_behaviour_without_the_data_says_where_it_looked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["eval", "--behaviour", "--data", str(tmp_path)]) == 2
    assert "tweeteval/dev.tsv: not found" in capsys.readouterr().err


def test_the_shipped_detector_keeps_its_verdict_through_neutral_noise_and_finds_complaints_in_long_posts() -> None:
    """Issue #18's goals on the generated cases (real dev texts are `eval --behaviour`'s: no test needs ../shared),
    each text scored in the language identified, as ingest and `eval --behaviour` score it."""
    classifier = LinearClassifier()
    shipped = Detector("default", lambda text, brand: classifier.classify(text, brand_terms=brand, language=identify(text, brand).known).score, 0.5)
    rates = {check.name: run(check, shipped).rate for check in build_suite([]) if check.pairs}
    normalised_away = ("a link", "a shortened link", "an @handle", "a neutral emoji")
    assert all(rate == 0 for name, rate in rates.items() if name.startswith(normalised_away))
    assert rates["HTML / Markdown markup or a Slack link <url|text>: verdict flips (generated)"] <= 0.05
    assert rates["a greeting or a sign-off added: verdict flips (generated)"] <= 0.05
    assert rates["plainly worded factual complaints flagged (“took the day off, nobody came”)"] <= 0.10
    # #18's goal is 10 %; re-trainings of the same code with other validation splits (seeds 13-15) measure 5-12 %, so
    # this guards against a regression rather than claiming the goal.
    assert rates["a complaint as the middle paragraph of a longer neutral post flagged"] <= 0.15
    # ... and not by flagging long posts: re-trainings that chose a low long_shift flagged 21-25 % of these.
    assert rates["a longer neutral post with a non-complaint about the brand in the middle not flagged"] <= 0.10
    # Not yet #18's 10 % either: 19.2 % (stop 33's reading 24.6 %, stop 32's model 58.8 %, VADER 77.9 %).
    assert rates["a complaint about the brand as “they”, the brand named in an earlier paragraph, flagged"] <= 0.25
    # ... and not by reading every "they" as the brand: 40.4 % (40.0 % before "they" was read, VADER 28.7 %).
    assert rates["a complaint about someone else (“they”), after a paragraph naming the brand in passing, not flagged"] <= 0.45
    assert rates["clear complaints flagged (faults, billing, delivery, rudeness, refunds, safety)"] <= 0.10
    # Not yet #18's 10 %: 15.8 % (stop 32's model 18.3 %, stop 31's 25.8 %).
    assert rates["negated negatives not flagged (“not bad at all”)"] <= 0.20


def test_a_pipe_in_a_tests_name_stays_in_its_cell() -> None:
    named = Check("a Slack link <url|text>", "INV", (("a", "b"),))
    rendered, _ = report([named], [Detector("other", lambda t, b: 0.0, 0.5)])
    assert rendered.splitlines()[2] == "| a Slack link <url\\|text> | INV | 1 | 0.0% |"
