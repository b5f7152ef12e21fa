"""The digest's chart: new against resolved cases per day, and median response times against the previous period.

A pure function from the digest's numbers to PNG bytes. matplotlib is imported when a chart
is drawn (once a day), never by the code that answers Slack or ingests mentions.
"""

from __future__ import annotations

import io
from datetime import timedelta

from bot.domain.views import DigestView
from message_blocks.card import duration

NEW_COLOUR, RESOLVED_COLOUR, BEFORE_COLOUR = "#d1495b", "#2e8b57", "#a0a0a0"


def chart_filename(view: DigestView) -> str:
    """Unique per digest period: a retried delivery recognises its own upload in the channel by it."""
    return f"complaint-digest-{view.current.end.strftime('%Y%m%dT%H%MZ')}.png"


def chart_title(view: DigestView) -> str:
    return f"Complaint digest, {view.current.end.strftime('%d %b %Y')}"


def chart_alt_text(view: DigestView) -> str:
    """What the chart shows, for screen readers and anyone with images off."""
    days = ", ".join(f"{day.label}: {day.new} new, {day.resolved} resolved" for day in view.days)
    now, before = view.current, view.previous
    return (
        f"Cases per day over the last {len(view.days)} days ({days}). "
        f"Median time to claim {_median(now.time_to_claim.median)} (previous period {_median(before.time_to_claim.median)}); "
        f"median time to resolve {_median(now.time_to_resolve.median)} (previous period {_median(before.time_to_resolve.median)})."
    )[:1000]


def _median(seconds: float | None) -> str:
    return "none" if seconds is None else duration(timedelta(seconds=seconds))


def digest_chart(view: DigestView) -> bytes:
    import matplotlib

    matplotlib.use("Agg")  # no display: draw into memory
    from matplotlib.figure import Figure

    figure = Figure(figsize=(10, 6.4), dpi=100, layout="constrained")
    volume, claim, resolve = figure.subplot_mosaic([["volume", "volume"], ["claim", "resolve"]], height_ratios=[3, 2]).values()
    figure.suptitle(chart_title(view), fontsize=14, fontweight="bold")

    positions = range(len(view.days))
    volume.bar([p - 0.2 for p in positions], [d.new for d in view.days], width=0.4, color=NEW_COLOUR, label="new")
    volume.bar([p + 0.2 for p in positions], [d.resolved for d in view.days], width=0.4, color=RESOLVED_COLOUR, label="resolved")
    volume.set_xticks(list(positions), [d.label for d in view.days], fontsize=8)
    volume.set_title("Cases per day: new against resolved", loc="left")
    volume.legend(frameon=False, ncols=2, loc="lower right", bbox_to_anchor=(1.0, 1.0))
    volume.spines[["top", "right"]].set_visible(False)

    for axes, label, now, before in (
        (claim, "Median time to claim", view.current.time_to_claim.median, view.previous.time_to_claim.median),
        (resolve, "Median time to resolve", view.current.time_to_resolve.median, view.previous.time_to_resolve.median),
    ):
        values = [(before or 0) / 3600, (now or 0) / 3600]
        bars = axes.barh(["previous period", "this period"], values, color=[BEFORE_COLOUR, NEW_COLOUR])
        axes.bar_label(bars, [_median(before), _median(now)], padding=4)
        axes.set_title(label, loc="left")
        axes.set_xlabel("hours")
        axes.set_xlim(0, max(values + [0.1]) * 1.35)
        axes.spines[["top", "right"]].set_visible(False)

    png = io.BytesIO()
    figure.savefig(png, format="png")
    return png.getvalue()
