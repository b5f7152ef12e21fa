"""Near-duplicate lookup: the oldest of several near cases wins, however the prints arrived."""

from __future__ import annotations

from bot.classifier.similarity import NearDuplicates


def test_of_several_near_cases_the_oldest_wins() -> None:
    open_cases = NearDuplicates([("00000000000000ff", 9), ("ffff000000000000", 3), ("000000000000000f", 7)])
    open_cases.add("00000000000000f0", 8)
    open_cases.add("ffffffffffffffff", 2)
    assert open_cases.find("0000000000000000") == 7  # 9, 7 and 8 are near (neither first nor last); 3 and 2 are not
    assert open_cases.find("ffffffff00000000") is None
    assert NearDuplicates([]).find("0000000000000000") is None


def test_the_index_grows_past_its_first_allocation() -> None:
    open_cases = NearDuplicates([])
    for case_id in range(1, 300):
        open_cases.add(f"{case_id:016x}"[::-1], case_id)
    assert open_cases.find(f"{299:016x}"[::-1]) is not None and open_cases.find("ffffffffffffffff") is None
