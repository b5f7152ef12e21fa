"""Steps the incident scenarios share: seeded complaints with posted cards, clicks on the incident card, what Slack holds."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
from sqlalchemy import select

from bot.classifier.triage import Triage
from bot.db.models import Case, Incident, IncidentEvent, MentionRecord
from bot.db.session import session_scope
from bot.runtime import Runtime
from bot.services.mentions import open_case
from message_blocks.ids import Action, Field, MoreChoice, View, incident_value, more_value
from tests.conftest import BotClient
from tests.fake_slack import FakeSlack
from tests.helpers import wait_for
from tests.slack_requests import block_action, view_submission

CHANNEL = "C0TRIAGE01"
AGENT, OTHER, MANAGER = "U0AGENT001", "U0AGENT002", "U0MANAGER1"
MANAGER_DM = "D0MANAGER1"
TEXTS = (
    "Acme charged my card twice for one order and nobody answers",
    "Double charge from Acme again, I want my money back",
    "Acme billed me two times this morning, what is going on",
    "Charged twice by Acme for the same delivery, terrible",
)


def seed(runtime: Runtime, n: int, *, author: str = "", minutes_ago: int = 30, topics: tuple[str, ...] = ("billing",),
         source: str = "acme-alerts", kind: str = "rss") -> int:
    """A complaint with its case (its card queued): the n-th text, by `author`."""
    detected = runtime.clock() - timedelta(minutes=minutes_ago)
    with session_scope(runtime.sessions) as session:
        record = MentionRecord(
            source_kind=kind, source_name=source, external_id=f"item-{n}", url=f"https://blog.example.com/{n}",
            canonical_url=f"https://blog.example.com/{n}", title=f"Complaint {n}", text=TEXTS[n % len(TEXTS)],
            author=author or f"person{n}", published_at=detected, detected_at=detected, score=0.8 + n / 1000, reasons=[], fingerprint=None,
        )
        session.add(record)
        session.flush()
        return open_case(session=session, record=record, triage=Triage("medium", topics, False), now=detected).case_id


def posted(runtime: Runtime, count: int) -> list[Case]:
    """`count` complaints, their cards in the channel."""
    ids = [seed(runtime, n) for n in range(1, count + 1)]
    runtime.drainer.drain()
    with session_scope(runtime.sessions) as session:
        return [session.get(Case, i) for i in ids]  # type: ignore[misc]


def the_case(runtime: Runtime, case_id: int) -> Case:
    with session_scope(runtime.sessions) as session:
        case = session.get(Case, case_id)
        assert case is not None
        return case


def the_incident(runtime: Runtime, incident_id: int) -> Incident:
    with session_scope(runtime.sessions) as session:
        incident = session.get(Incident, incident_id)
        assert incident is not None
        return incident


def incidents(runtime: Runtime) -> list[Incident]:
    with session_scope(runtime.sessions) as session:
        return list(session.scalars(select(Incident).order_by(Incident.id)))


def timeline(runtime: Runtime, incident_id: int) -> list[str]:
    with session_scope(runtime.sessions) as session:
        return list(session.scalars(select(IncidentEvent.action).where(IncidentEvent.incident_id == incident_id).order_by(IncidentEvent.id)))


def incident_cards(slack: FakeSlack) -> list[dict]:
    return [m for m in slack.channel_messages(CHANNEL) if m["text"].startswith("Incident #")]


def as_text(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def choose(bot: BotClient, user: str, case: Case, choice: MoreChoice) -> None:
    payload = block_action(user_id=user, action_id=Action.MORE.value, value="", message_ts=case.message_ts or "")
    payload["actions"][0] = {"action_id": Action.MORE.value, "block_id": "b", "type": "overflow", "selected_option": {"value": more_value(case.id, choice)}}
    assert bot.interact(payload).status_code == 200


def join_modal(bot: BotClient, slack: FakeSlack, case: Case, user: str = AGENT) -> dict:
    before = len(slack.calls_to("views.open"))
    choose(bot, user, case, MoreChoice.JOIN_INCIDENT)
    return wait_for(lambda: slack.calls_to("views.open")[before:])[0].args["view"]


def submit_join(bot: BotClient, modal: dict, *, incident_id: int | None = None, title: str = "", user: str = AGENT) -> httpx.Response:
    assert modal["callback_id"] == View.JOIN_INCIDENT
    values: dict = {Field.INCIDENT_TITLE.value: {Field.INCIDENT_TITLE.value: {"type": "plain_text_input", "value": title or None}}}
    if incident_id is not None:
        values[Field.INCIDENT_PICK.value] = {Field.INCIDENT_PICK.value: {"type": "static_select", "selected_option": {"value": str(incident_id)}}}
    return bot.interact(view_submission(user_id=user, view=modal, values=values))


def press(bot: BotClient, user: str, action: Action, incident_id: int, **extra: object) -> None:
    response = bot.interact(block_action(user_id=user, action_id=action.value, value=incident_value(incident_id, **extra)))
    assert response.status_code == 200


def write_root_cause(bot: BotClient, slack: FakeSlack, incident_id: int, note: str, user: str = AGENT) -> None:
    before = len(slack.calls_to("views.open"))
    press(bot, user, Action.INCIDENT_ROOT_CAUSE, incident_id)
    modal = wait_for(lambda: slack.calls_to("views.open")[before:])[0].args["view"]
    values = {Field.INCIDENT_NOTE.value: {Field.INCIDENT_NOTE.value: {"type": "plain_text_input", "value": note}}}
    assert bot.interact(view_submission(user_id=user, view=modal, values=values)).status_code == 200


def reply_to(bot: BotClient, slack: FakeSlack, text: str, user: str = AGENT) -> dict:
    before = len(slack.calls_to("respond"))
    assert bot.command(user, text).status_code == 200
    return wait_for(lambda: slack.calls_to("respond")[before:])[0].args


def told(slack: FakeSlack, user: str) -> list[str]:
    """What only this person was told: ephemeral messages (after a click) and DMs from the bot (after a modal)."""
    return [
        c.args["text"] for c in slack.calls
        if (c.method == "chat.postEphemeral" and c.args.get("user") == user) or (c.method == "chat.postMessage" and c.args.get("channel") == user)
    ]
