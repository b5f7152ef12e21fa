"""A poll's report says when a source had more new items than its max_pages held, and logs it as a warning."""

from __future__ import annotations

from bot.flows.poll import PollReport, SourceReport

CUT = "more than 5 pages of new posts since the last poll: the oldest were not fetched"


def test_a_source_cut_off_by_its_page_bound_says_so_in_its_line_and_in_the_summary() -> None:
    x = SourceReport("x", fetched=500, relevant=500, negative=3, warning=CUT)
    report = PollReport([x, SourceReport("hn", fetched=2, relevant=1)])
    assert x.describe() == f"500 fetched, 500 about the brand, 3 negative; {CUT}"
    assert report.summary().endswith(f"; warnings: x ({CUT})")
    assert "warnings" not in PollReport([SourceReport("hn", fetched=2)]).summary()
