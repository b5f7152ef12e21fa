"""The daily digest and `/complaint stats`: numbers against the previous period."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.domain.languages import ENGLISH, language_name
from bot.domain.thresholds import ThresholdAdvice
from bot.domain.views import DigestView, IncidentNumbers, PeriodNumbers, SourcePrecision, Timing
from message_blocks.blocks import context, header, section
from message_blocks.card import duration, slack_date
from message_blocks.replies import case_line
from message_blocks.text import mrkdwn, plural

PRECISION_DAYS = 30
# Sources named in the digest's and App Home's precision line; a line stays well inside a block's 3,000 characters.
PRECISION_SHOWN = 12


def _seconds(value: float | None) -> str:
    return "—" if value is None else duration(timedelta(seconds=value))


def _trend(now: float | None, before: float | None, lower_is_better: bool = True) -> str:
    if now is None or before is None or now == before:
        return ""
    better = (now < before) == lower_is_better
    return f" {'↓' if now < before else '↑'}{'✅' if better else '⚠️'} (was {_seconds(before) if lower_is_better else f'{before:g}'})"


def _timing_line(label: str, now: Timing, before: Timing) -> str:
    if not now.count:
        return f"*{label}*: no cases"
    return (
        f"*{label}*: median {_seconds(now.median)}{_trend(now.median, before.median)}, "
        f"p90 {_seconds(now.p90)}{_trend(now.p90, before.p90)} ({plural(now.count, 'case')})"
    )


def _count_trend(now: int, before: int) -> str:
    if now == before:
        return ""
    return f" ({'+' if now > before else ''}{now - before})"



def numbers_blocks(now: PeriodNumbers, before: PeriodNumbers) -> list[dict[str, Any]]:
    counts = [
        f"*New:* {now.new}{_count_trend(now.new, before.new)}",
        f"*Resolved:* {now.resolved}{_count_trend(now.resolved, before.resolved)}",
        f"*Open backlog:* {now.backlog}{_count_trend(now.backlog, before.backlog)}",
        f"*Escalated:* {now.escalated}{_count_trend(now.escalated, before.escalated)}",
        f"*SLA breaches:* {now.claim_breaches} to claim, {now.resolve_breaches} to resolve",
    ]
    if now.false_positive_rate is not None:
        counts.append(f"*Not complaints:* {now.false_positives} of {now.closed} closed ({now.false_positive_rate:.0%})")
    timings = [
        _timing_line("Time to claim", now.time_to_claim, before.time_to_claim),
        _timing_line("Time to first response", now.time_to_first_response, before.time_to_first_response),
        _timing_line("Time to resolve", now.time_to_resolve, before.time_to_resolve),
    ]
    blocks = [
        {"type": "section", "fields": [{"type": "mrkdwn", "text": c} for c in counts]},
        section("\n".join(timings)),
    ]
    if now.detection_delay:
        delays = ", ".join(f"{mrkdwn(source, 60)} {_seconds(t.median)}" for source, t in now.detection_delay[:10])
        blocks.append(context(f"Detection delay (median): {delays}"))
    if languages := language_lines(now):
        blocks.append(context(languages))
    return blocks


def _volume(counts: tuple[tuple[str | None, int], ...]) -> str:
    return ", ".join(f"{language_name(code) or 'undetermined'} {count}" for code, count in counts[:12])


def language_lines(numbers: PeriodNumbers) -> str:
    """Volume by language, when some of it is not English: new cases, and mentions set aside unposted."""
    lines = []
    if any(code not in (ENGLISH, None) for code, _ in numbers.languages):
        lines.append(f"*New by language:* {_volume(numbers.languages)}")
    if numbers.set_aside:
        total = sum(count for _, count in numbers.set_aside)
        lines.append(f"*Set aside, not posted* ({plural(total, 'mention')} in languages the detector cannot judge): {_volume(numbers.set_aside)}")
    return "\n".join(lines)


def metric_rows(numbers: PeriodNumbers) -> list[tuple[str, str]]:
    """The App Home's summary: label, value."""
    if not (numbers.new or numbers.resolved or numbers.backlog):
        return []

    def median(seconds: float | None) -> str:
        return "—" if seconds is None else duration(timedelta(seconds=seconds))

    return [
        ("New", str(numbers.new)),
        ("Resolved", str(numbers.resolved)),
        ("Open now", str(numbers.backlog)),
        ("SLA breaches", str(numbers.claim_breaches + numbers.resolve_breaches)),
        ("Median time to claim", median(numbers.time_to_claim.median)),
        ("Median time to resolve", median(numbers.time_to_resolve.median)),
    ]


def _has_incidents(numbers: IncidentNumbers) -> bool:
    return bool(numbers.opened or numbers.fixed or numbers.loops_closed)


def incident_line(numbers: IncidentNumbers) -> str:
    """Incidents opened and fixed, time to fix, complaints per incident, loops closed: one line."""
    per = "—" if numbers.complaints_per_incident is None else f"{numbers.complaints_per_incident:.1f}"
    return (
        f"*Incidents:* {numbers.opened} opened, {numbers.fixed} fixed (median time to fix {_seconds(numbers.time_to_fix.median)}), "
        f"{per} complaints per incident, {plural(numbers.loops_closed, 'loop')} closed"
    )


def incident_rows(numbers: IncidentNumbers) -> list[tuple[str, str]]:
    """The App Home's incident numbers (none when there were no incidents)."""
    if not _has_incidents(numbers):
        return []
    per = "—" if numbers.complaints_per_incident is None else f"{numbers.complaints_per_incident:.1f}"
    return [
        ("Incidents opened / fixed", f"{numbers.opened} / {numbers.fixed}"),
        ("Median time to fix", _seconds(numbers.time_to_fix.median)),
        ("Complaints per incident", per),
        ("Loops closed", str(numbers.loops_closed)),
    ]


def is_quiet(view: DigestView) -> bool:
    now = view.current
    return not (now.new or now.resolved or now.backlog or now.escalated or now.dismissed or now.set_aside or _has_incidents(view.incidents))


def digest_blocks(view: DigestView) -> list[dict[str, Any]]:
    period = f"{slack_date(view.current.start, '{date_short} {time}')} – {slack_date(view.current.end, '{date_short} {time}')}"
    if is_quiet(view):
        return [section(f"☀️ *Complaint digest* ({period}): a quiet day, no complaints and nothing open.")]
    blocks = [header("Complaint digest"), context(f"{period}, compared with the day before")]
    blocks += numbers_blocks(view.current, view.previous)
    if _has_incidents(view.incidents):
        blocks.append(section(incident_line(view.incidents)))
    if view.spikes:
        lines = [f"📈 *{mrkdwn(key, 80)}*: {today} today, usually {usual:g} a day" for key, today, usual in view.spikes[:5]]
        blocks.append(section("*Possible systemic issue*\n" + "\n".join(lines)))
    if view.oldest_unclaimed:
        blocks.append(section("*Oldest unclaimed*\n" + "\n".join(case_line(c) for c in view.oldest_unclaimed[:5])))
    if view.precision:
        blocks.append(context(precision_line(view.precision)))
    return blocks


def _precision_of(entry: SourcePrecision) -> str:
    flag = " ⚠️" if entry.below_floor else ""
    return f"{mrkdwn(entry.source, 60)} {entry.precision:.0%} ({entry.confirmed} of {entry.decisions}){flag}"


def precision_line(precision: tuple[SourcePrecision, ...]) -> str:
    """Per source: the share of its cases the team kept as complaints (claimed or resolved) rather than "not a complaint"."""
    shown = ", ".join(_precision_of(p) for p in precision[:PRECISION_SHOWN])
    more = f" and {len(precision) - PRECISION_SHOWN} more" if len(precision) > PRECISION_SHOWN else ""
    return f"Detector precision by your decisions, last {PRECISION_DAYS} days: {shown}{more}"


def _higher_threshold(advice: ThresholdAdvice) -> str:
    return (
        f"A threshold of {advice.threshold:g} for this source (`threshold = {advice.threshold:g}` in its `[[sources]]` table) "
        f"would have spared {advice.spared} of these {advice.false_alarms} false alarms and missed {advice.missed} of its "
        f"{advice.confirmed} complaints."
    )


def threshold_advice_lines(precision: tuple[SourcePrecision, ...]) -> list[str]:
    """For each source below the floor, what a higher threshold of its own would have done (App Home keeps it in view)."""
    return [f"⚠️ {mrkdwn(p.source, 60)}: {_higher_threshold(p.advice)}" for p in precision if p.below_floor and p.advice]


def precision_warning(entry: SourcePrecision) -> str:
    """Posted once when a source falls below the floor (again only after it has recovered)."""
    higher = "" if entry.advice is None else _higher_threshold(entry.advice) + " "
    return (
        f"⚠️ *Detector precision for {mrkdwn(entry.source, 100)} is {entry.precision:.0%}* over the last {PRECISION_DAYS} days: "
        f"the team marked {entry.false_alarms} of its {entry.decisions} decided cases “not a complaint” (floor {entry.floor:.0%}). "
        f"{higher}{'Or teach' if entry.advice else 'Teach'} the detector your decisions: `complaint-bot export-labels`, then "
        "`complaint-bot train --add labels/` and `complaint-bot model use` the file it writes."
    )


def stats_blocks(days: int, now: PeriodNumbers, before: PeriodNumbers, incidents: IncidentNumbers = IncidentNumbers()) -> list[dict[str, Any]]:
    return [section(f"*Last {days} days*, compared with the {days} days before")] + numbers_blocks(now, before) + [section(incident_line(incidents))]


def digest_text(view: DigestView) -> str:
    now = view.current
    if is_quiet(view):
        return "Complaint digest: a quiet day."
    return f"Complaint digest: {now.new} new, {now.resolved} resolved, {now.backlog} open"


def spike_alert(key: str, today: int, usual: float, incident_id: int | None = None) -> str:
    grouped = f" They are grouped as incident #{incident_id}." if incident_id else ""
    return (
        f"📈 *Possible systemic issue:* {mrkdwn(key, 100)} has {today} complaints in the last 24 h, "
        f"against about {usual:g} on a usual day. Look for one root cause before answering them one by one.{grouped}"
    )
