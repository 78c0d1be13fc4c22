"""The weekly report's picture: posts and saves per day, as PNG bytes for a Telegram photo.

Two panels share the days: posts above, saves below, each with its own y axis and each bar
labelled with its value. Saves can run a hundred times the posts, so one shared axis would
flatten the posts; a second y axis on one panel (bars plus a line) makes the reader work out
which scale belongs to which mark, and on a phone neither reads well. Stacked panels keep the
days' width (side-by-side panels would halve it) and every number is printed on its bar.

Texts come in already translated (the caller holds the catalogue), including the days' tick
labels, so Arabic weekday names arrive as they should read. matplotlib 3.11's text engine
(libraqm: HarfBuzz shaping, SheenBidi ordering) joins Arabic letters and orders mixed
right-to-left text itself, and DejaVu Sans, which matplotlib ships, has the Arabic glyphs; with
`rtl=True` the days also run right to left, the titles and y axes sit on the right, and every
text starts with a RIGHT-TO-LEFT MARK (which the engine honours and does not draw) so that one
opening with a digit or a Latin word still reads right to left.

Thread-safe and free of global state: no pyplot (its figure registry is process-wide), no
rcParams changes (fonts and colours are passed to each artist); each call builds its own
`Figure` on its own Agg canvas, and the Agg backend serialises drawing with its own lock. It is
CPU work, 0.2–0.3 s a chart on a shared two-core machine (about a third of it is the
constrained layout, kept because it fits any label's length), so the caller runs it in
`asyncio.to_thread`. matplotlib is imported inside `daily_chart`, not at module level: the
import costs 0.7–0.8 s, which neither the bot's start-up nor the CLI should pay for a chart
drawn once a week.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from bot.rendering.direction import RLM

if TYPE_CHECKING:
    from matplotlib.axes import Axes

WIDTH_PX, HEIGHT_PX, DPI = 1200, 675, 200
MAX_DAYS = 31
WEEK = 7
FONT = "DejaVu Sans"  # shipped with matplotlib, so present on every machine; has Arabic glyphs
POSTS_COLOUR, SAVES_COLOUR = "#3b6ea8", "#e07b39"  # blue and orange: apart for colour-blind eyes
INK, FAINT = "#222222", "#777777"
# Past two weeks the bars are too narrow for a number on each and for every day's label.
CROWDED = 14


@dataclass(frozen=True, slots=True)
class DayCount:
    """One day of the report: stories posted and saves readers made that day."""

    day: date
    posts: int
    saves: int


def daily_chart(
    days: Sequence[DayCount],
    *,
    day_labels: Sequence[str],
    title: str,
    posts_label: str,
    saves_label: str,
    rtl: bool = False,
) -> bytes:
    """Posts and saves per day as a 1200×675 PNG; labels arrive translated, one per day."""
    _check(days, day_labels)
    if rtl:
        title, posts_label, saves_label = (_rtl(t) for t in (title, posts_label, saves_label))
        day_labels = [_rtl(label) for label in day_labels]
    # matplotlib on demand (about 0.7 s to import), see the module's docstring.
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
    from matplotlib.figure import Figure  # noqa: PLC0415

    figure = Figure(
        figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, facecolor="white", layout="constrained"
    )
    FigureCanvasAgg(figure)  # attaches itself to the figure; savefig below draws with it
    posts_axes, saves_axes = figure.subplots(2, 1, sharex=True)
    crowded = len(days) > CROWDED
    _panel(
        posts_axes, [d.posts for d in days], posts_label, POSTS_COLOUR, rtl=rtl, crowded=crowded
    )
    _panel(
        saves_axes, [d.saves for d in days], saves_label, SAVES_COLOUR, rtl=rtl, crowded=crowded
    )
    step = -(-len(days) // CROWDED)  # every day's label up to 14 days, then every 2nd or 3rd
    shown = [label if i % step == 0 else "" for i, label in enumerate(day_labels)]
    saves_axes.set_xticks(
        range(len(days)),
        shown,
        fontsize=9 if crowded else 10,
        fontfamily=FONT,
        color=INK,
        parse_math=False,  # a "$" in a label is text, not the start of a formula
    )
    if rtl:
        saves_axes.invert_xaxis()  # shared x: the first day lands on the right in both panels
    figure.suptitle(
        title,
        x=0.985 if rtl else 0.015,
        ha="right" if rtl else "left",
        fontsize=13,
        fontweight="bold",
        fontfamily=FONT,
        color=INK,
        parse_math=False,
    )
    png = io.BytesIO()
    figure.savefig(png, format="png", dpi=DPI, metadata={"Software": None})
    return png.getvalue()


def _check(days: Sequence[DayCount], day_labels: Sequence[str]) -> None:
    """Refuse input the chart cannot show truthfully, naming the problem."""
    if not 1 <= len(days) <= MAX_DAYS:
        raise ValueError(f"daily_chart takes 1 to {MAX_DAYS} days, got {len(days)}")
    if len(day_labels) != len(days):
        raise ValueError(
            f"daily_chart needs one label per day: {len(days)} days, {len(day_labels)} labels"
        )
    for d in days:
        if d.posts < 0 or d.saves < 0:
            raise ValueError(f"daily_chart counts cannot be negative: {d}")


def _rtl(text: str) -> str:
    """Start with a RIGHT-TO-LEFT MARK, so a label opening with a digit or a Latin word (a
    site's name) still reads right to left; one already marked by the catalogue is kept."""
    return text if text.startswith(RLM) else RLM + text


def _panel(
    axes: Axes, values: list[int], label: str, colour: str, *, rtl: bool, crowded: bool
) -> None:
    """One count per day as labelled bars, with integer y ticks and nothing else."""
    from matplotlib.ticker import MaxNLocator, StrMethodFormatter  # noqa: PLC0415 - on demand

    bars = axes.bar(range(len(values)), values, width=0.65, color=colour)
    if crowded:
        # Past two weeks a number per bar no longer fits: faint lines carry the scale instead.
        axes.grid(axis="y", color=FAINT, alpha=0.3, linewidth=0.6)
        axes.set_axisbelow(True)
    else:
        labels = [f"{v:,}" for v in values]
        axes.bar_label(
            bars,
            labels=labels,
            padding=2,
            # Millions ("1,666,666") would touch their neighbours at full size.
            fontsize=10 if max(map(len, labels)) <= 7 else 8.5,
            fontfamily=FONT,
            color=INK,
        )
    # Headroom for the numbers above the tallest bar; an all-zero week still gets 0..1, not a
    # collapsed (singular) axis.
    axes.set_ylim(0, max(1, *values) * 1.3)
    # Fewer than a week of days keeps a week's bar width, centred, instead of one fat bar.
    pad = max(0.5, (WEEK - len(values)) / 2 + 0.5)
    axes.set_xlim(-pad, len(values) - 1 + pad)
    axes.yaxis.set_major_locator(MaxNLocator(nbins=3, integer=True))
    axes.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    axes.tick_params(labelsize=8, labelcolor=FAINT, color=FAINT, labelfontfamily=FONT)
    axes.tick_params(axis="x", length=0)
    axes.set_title(
        label,
        loc="right" if rtl else "left",
        fontsize=11,
        fontfamily=FONT,
        color=colour,
        fontweight="bold",
        parse_math=False,
    )
    if rtl:
        axes.yaxis.tick_right()
    axes.spines[["top", "left" if rtl else "right"]].set_visible(False)
    axes.spines[["right" if rtl else "left", "bottom"]].set_color(FAINT)
