"""The digest shows, not only tells: a chart shared through Slack's upload flow, with the text still complete."""

from __future__ import annotations

import json
import struct
import time
from datetime import timedelta

from bot.db.session import session_scope
from bot.flows.reports import post_digest
from bot.runtime import Runtime
from bot.services import cases
from tests.conftest import Clock
from tests.fake_slack import FakeSlack
from tests.scenario.test_reports import AGENT, CHANNEL, digests, seed

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_SIGNATURE) and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def a_busy_fortnight(runtime: Runtime, clock: Clock) -> None:
    for day in range(14):
        for n in range(day % 4 + 1):
            detected = clock.now - timedelta(days=day, hours=2, minutes=n)
            case_id = seed(runtime, detected, day * 10 + n)
            with session_scope(runtime.sessions) as session:
                cases.claim(session=session, case_id=case_id, user_id=AGENT, now=detected + timedelta(minutes=15 + day))
                if n % 2 == 0:
                    resolved = detected + timedelta(hours=1)
                    cases.resolve(session=session, case_id=case_id, user_id=AGENT, resolution="done", root_cause="isolated", now=resolved)


def test_the_digest_shares_its_chart_and_keeps_every_number_in_text(runtime: Runtime, slack: FakeSlack, clock: Clock) -> None:
    a_busy_fortnight(runtime, clock)
    assert post_digest(runtime, end=clock.now)

    [asked] = slack.calls_to("files.getUploadURLExternal")
    [completed] = slack.calls_to("files.completeUploadExternal")
    [file_id] = slack.files
    chart = slack.files[file_id]["bytes"]
    assert png_size(chart) == (1000, 640) and int(asked.args["length"]) == len(chart)
    assert asked.args["filename"] == "complaint-digest-20261120T0900Z.png"
    assert "Cases per day over the last 14 days" in asked.args["alt_txt"] and "Median time to claim 15 min" in asked.args["alt_txt"]
    assert completed.args["files"] == [{"id": file_id, "title": "Complaint digest, 20 Nov 2026"}]
    assert completed.args["channel_id"] == CHANNEL and "initial_comment" not in completed.args

    [digest] = digests(slack)
    assert [f["id"] for f in digest["files"]] == [file_id]
    text = json.dumps(digest["blocks"], ensure_ascii=False)
    # Yesterday's one case, claimed and resolved: the numbers are all there without the picture.
    assert "*New:* 1" in text and "*Resolved:* 1" in text and "*Time to claim*: median 15 min" in text
    assert not [c for c in slack.calls_to("chat.postMessage") if "Complaint digest" in json.dumps(c.args)]


def test_a_digest_whose_share_was_cut_off_is_not_shared_twice(runtime: Runtime, slack: FakeSlack, clock: Clock) -> None:
    a_busy_fortnight(runtime, clock)
    runtime.slack.timeout = 1
    slack.delay("files.completeUploadExternal", 2, after=True)  # Slack shares it; the answer never arrives in time
    post_digest(runtime, end=clock.now)
    assert len(digests(slack)) == 1
    slack.delays.clear()
    time.sleep(1.2)  # the slow answer is gone before the retry
    clock.advance(minutes=1)  # past the retry's backoff
    assert runtime.drainer.drain().sent == 1

    assert len(digests(slack)) == 1 and len(slack.calls_to("files.getUploadURLExternal")) == 1


def test_a_quiet_day_has_no_chart(runtime: Runtime, slack: FakeSlack, clock: Clock) -> None:
    post_digest(runtime, end=clock.now)
    assert slack.calls_to("files.getUploadURLExternal") == [] and len(digests(slack)) == 1
