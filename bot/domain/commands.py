"""`/complaint`: parsing the text into a command. Pure; bot/flows/complaint_command.py runs it."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.refusals import NotUnderstood

HELP_LINES = (
    ("help", "this help"),
    ("list [open|mine|unclaimed|escalated]", "cases needing attention (default: open)"),
    ("show ID", "one case in full"),
    ("stats [7d|30d]", "response times and volumes (default: 7d)"),
    ("add URL [note]", "report a mention by hand"),
    ("claim ID", "take a case"),
    ("resolve ID", "mark a case resolved"),
    ("mute AUTHOR / unmute AUTHOR", "ignore (or stop ignoring) an author's future mentions"),
    ("sources", "health of each source"),
    ("digest", "preview today's digest"),
    ("incident new TITLE", "open an incident: one systemic problem behind many complaints"),
    ("incident add INCIDENT CASE…", "make cases part of an open incident (`remove CASE` takes one out)"),
    ("incident list [all] / show INCIDENT / close INCIDENT", "open incidents (or all), one in full, close one"),
)
INCIDENT_USAGE = (
    "`incident` takes `new TITLE`, `add INCIDENT CASE…`, `remove CASE`, `list [all]`, `show INCIDENT` or `close INCIDENT`, "
    "like `/complaint incident add 3 41 42`."
)
LIST_FILTERS = ("open", "mine", "unclaimed", "escalated")
STATS_PERIODS = {"7d": 7, "30d": 30}


@dataclass(frozen=True)
class Command:
    """A subcommand with text arguments: list, stats, add, mute, unmute, help, sources, digest."""

    name: str
    argument: str = ""
    note: str = ""
    # `incident …`: the incident's number; `incident add`: the cases to move in.
    case_id: int | None = None
    case_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class CaseCommand:
    """A subcommand about one case: show, claim, resolve."""

    name: str
    case_id: int


class UsageError(NotUnderstood):
    """The text is not a command we know; the message says what was expected."""


def _case_id(name: str, raw: str, what: str = "a case number") -> int:
    match = re.fullmatch(r"#?(\d{1,12})", raw.strip())
    if not match:
        raise UsageError(f"`{name}` needs {what}, like `/complaint {name} 42`.")
    return int(match.group(1))


def parse(text: str) -> Command | CaseCommand:
    words = text.strip().split(maxsplit=1)
    if not words:
        return Command("help")
    name, rest = words[0].lower(), (words[1].strip() if len(words) > 1 else "")
    if name in ("help", "sources", "digest"):
        return Command(name)
    if name == "list":
        which = rest.lower() or "open"
        if which not in LIST_FILTERS:
            raise UsageError(f"`list` takes one of {', '.join(LIST_FILTERS)}.")
        return Command(name, which)
    if name == "stats":
        period = rest.lower() or "7d"
        if period not in STATS_PERIODS:
            raise UsageError("`stats` takes `7d` or `30d`.")
        return Command(name, period)
    if name in ("show", "claim", "resolve"):
        return CaseCommand(name, _case_id(name, rest))
    if name == "add":
        parts = rest.split(maxsplit=1)
        if not parts or not re.match(r"^<?https?://", parts[0], re.IGNORECASE):
            raise UsageError("`add` needs a link: `/complaint add https://example.com/post optional note`.")
        # Slack wraps links it recognises in <…> (and sometimes <url|label>).
        url = parts[0].strip("<>").split("|", 1)[0]
        return Command(name, url, note=parts[1] if len(parts) > 1 else "")
    if name == "incident":
        return _incident(rest)
    if name in ("mute", "unmute"):
        if not rest:
            raise UsageError(f"`{name}` needs an author, like `/complaint {name} @angry_bot`.")
        return Command(name, rest)
    raise UsageError(f"I don't know `{name[:40]}`.")



def _incident(text: str) -> Command:
    """`incident new TITLE | add INCIDENT CASE… | remove CASE | list [all] | show INCIDENT | close INCIDENT`."""
    words = text.split(maxsplit=1)
    sub, rest = (words[0].lower(), words[1].strip() if len(words) > 1 else "") if words else ("list", "")
    if sub == "new":
        if not rest:
            raise UsageError("`incident new` needs a title, like `/complaint incident new Double charges after the billing update`.")
        return Command("incident", "new", note=rest[:200])
    if sub == "list":
        if rest.lower() not in ("", "all"):
            raise UsageError("`incident list` takes nothing (open incidents) or `all`.")
        return Command("incident", "list", note=rest.lower())
    if sub in ("show", "close"):
        return Command("incident", sub, case_id=_case_id(f"incident {sub}", rest, "an incident number"))
    if sub == "remove":
        return Command("incident", sub, case_id=_case_id("incident remove", rest))
    if sub == "add":
        numbers = rest.replace(",", " ").split()
        if len(numbers) < 2:
            raise UsageError("`incident add` needs an incident and at least one case, like `/complaint incident add 3 41 42`.")
        ids = [_case_id("incident add", n, "an incident and case numbers") for n in numbers]
        return Command("incident", "add", case_id=ids[0], case_ids=tuple(ids[1:51]))
    raise UsageError(INCIDENT_USAGE)
