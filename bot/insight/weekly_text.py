"""The weekly report as editors read it: the full text, the photo's short caption, the chart's
labels, each in one editor's language.

Texts come from the catalogue (`weekly_*`, `chart_weekly_*`); `catalogue.text` marks every line
of an Arabic report right to left, so a line that opens with a digit, an emoji or a Latin title
still reads the right way. Story titles and category names are the site's, escaped here and cut
to one short line. Numbers only: no reader is ever named.
"""

from __future__ import annotations

from datetime import date

from bot import catalogue
from bot.control.editors import ago, esc
from bot.insight.weekly_figures import WeeklyFigures
from bot.rendering.fitting import fit_html
from bot.rendering.text import single_line, truncate

CAPTION_LIMIT = 1024
# LEFT-TO-RIGHT ISOLATE … POP DIRECTIONAL ISOLATE: "2026-W48" inside Arabic would otherwise be
# reordered to "W48-2026" (a number, a hyphen and a Latin word are separate runs there).
LRI, PDI = "\u2066", "\u2069"
TITLE_UNITS = 90  # a story's title in the top 5, in UTF-16 units
CATEGORY_UNITS = 40


def day_name(day: date, language: str) -> str:
    """ "Mon 24 Nov" / "الاثنين 24 نوفمبر"."""
    return catalogue.phrase(
        "weekly_day_name",
        language,
        weekday=catalogue.weekday(language, day.weekday()),
        day=day.day,
        month=catalogue.month(language, day.month),
    )


def chart_day_label(day: date, language: str) -> str:
    """A day under its bars: the weekday and the day of the month ("Mon 24")."""
    return f"{catalogue.weekday(language, day.weekday())} {day.day}"


def chart_title(figures: WeeklyFigures, language: str) -> str:
    """The picture's title: what it shows and the week (plain text, no markup)."""
    return (
        f"{catalogue.phrase('chart_weekly_title', language)} · {period_shown(figures, language)}"
    )


def period_shown(figures: WeeklyFigures, language: str) -> str:
    """The ISO week as written ("2026-W48"), kept left to right inside a right-to-left text."""
    period = figures.week.period
    return f"{LRI}{period}{PDI}" if catalogue.is_rtl(language) else period


def _n(value: int) -> str:
    return f"{value:,}"


def _head(figures: WeeklyFigures, language: str) -> list[str]:
    days = figures.week.days
    lines = [
        catalogue.text(
            "weekly_title",
            language,
            first=day_name(days[0], language),
            last=day_name(days[-1], language),
            period=period_shown(figures, language),
        ),
        catalogue.text("weekly_total", language, posts=_n(figures.posts), saves=_n(figures.saves)),
    ]
    if figures.lag_median is None or figures.lag_p90 is None:
        lines.append(catalogue.text("weekly_lag_none", language))
    else:
        lines.append(
            catalogue.text(
                "weekly_lag",
                language,
                median=ago(figures.lag_median, language),
                p90=ago(figures.lag_p90, language),
            )
        )
    return lines


def caption_text(figures: WeeklyFigures, language: str) -> str:
    """The photo's caption when the whole report does not fit in one: the headline numbers."""
    lines = [*_head(figures, language), catalogue.text("weekly_more_below", language)]
    return fit_html("\n".join(lines), CAPTION_LIMIT)


def report_text(figures: WeeklyFigures, language: str) -> str:
    """The whole report as HTML, fitted to Telegram's 4096."""

    def say(key: catalogue.Key, **values: object) -> str:
        return catalogue.text(key, language, **values)

    lines = _head(figures, language)
    lines += ["", say("weekly_days_head")]
    for day, posts, saves in zip(
        figures.week.days, figures.posts_per_day, figures.saves_per_day, strict=True
    ):
        lines.append(
            say("weekly_day", day=day_name(day, language), posts=_n(posts), saves=_n(saves))
        )
    lines.append("")
    if figures.top:
        lines.append(say("weekly_top_head"))
        for rank, story in enumerate(figures.top, start=1):
            values = {
                "rank": rank,
                "title": esc(truncate(single_line(story.title), TITLE_UNITS)),
                "saves": _n(story.saves),
                "reactions": _n(story.reactions),
            }
            if story.link is None:
                lines.append(say("weekly_top_line_unlinked", **values))
            else:
                lines.append(say("weekly_top_line", link=esc(story.link), **values))
    else:
        lines.append(say("weekly_top_none"))
    if figures.categories:
        lines += ["", say("weekly_categories_head")]
        for category in figures.categories:
            name = (
                esc(truncate(single_line(category.name), CATEGORY_UNITS))
                if category.name
                else catalogue.phrase("weekly_uncategorised", language)
            )
            lines.append(
                say(
                    "weekly_category_line",
                    category=name,
                    posts=_n(category.posts),
                    saves=_n(category.saves),
                )
            )
    lines += [
        "",
        say("weekly_troubled", failed=_n(figures.failed), uncertain=_n(figures.uncertain)),
        say("weekly_readers", started=_n(figures.readers_started)),
        say("weekly_opt_ins", opt_ins=_n(figures.alert_opt_ins)),
    ]
    return fit_html("\n".join(lines))
