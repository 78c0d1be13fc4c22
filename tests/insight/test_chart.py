"""The weekly report's picture, read back as a reader's phone would get it: a PNG of the intended
size, with ink where the layout promises (titles and the first day on the right for Arabic).

pytest turns warnings into errors here, so a glyph missing from the font (matplotlib warns
"Glyph ... missing from font") or a NaN in an all-zero week fails these tests too.
"""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import threading
import zlib
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import numpy as np
import pytest
from matplotlib.image import imread

from bot.insight.chart import HEIGHT_PX, POSTS_COLOUR, WIDTH_PX, DayCount, daily_chart

START = date(2026, 11, 30)
EN_DAYS = ["Mon 30", "Tue 1", "Wed 2", "Thu 3", "Fri 4", "Sat 5", "Sun 6"]
AR_DAYS = [
    "الاثنين 30",
    "الثلاثاء 1",
    "الأربعاء 2",
    "الخميس 3",
    "الجمعة 4",
    "السبت 5",
    "الأحد 6",
]
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def week(posts: list[int], saves: list[int]) -> list[DayCount]:
    pairs = zip(posts, saves, strict=True)
    return [DayCount(START + timedelta(i), p, s) for i, (p, s) in enumerate(pairs)]


WEEK = week([12, 9, 15, 0, 7, 11, 14], [340, 1210, 880, 25, 400, 950, 1300])


def english(days: list[DayCount], labels: list[str] | None = None, title: str = "Week") -> bytes:
    return daily_chart(
        days,
        day_labels=EN_DAYS[: len(days)] if labels is None else labels,
        title=title,
        posts_label="Posts",
        saves_label="Saves",
    )


def arabic(days: list[DayCount], labels: list[str] | None = None) -> bytes:
    return daily_chart(
        days,
        day_labels=AR_DAYS[: len(days)] if labels is None else labels,
        title="المنشورات والحفظ يوميًا، 30 نوفمبر – 6 ديسمبر",
        posts_label="المنشورات",
        saves_label="الحفظ",
        rtl=True,
    )


def png_size(png: bytes) -> tuple[int, int]:
    """Width and height from the IHDR chunk, which a valid PNG carries first, checksummed."""
    assert png[:8] == PNG_MAGIC
    length, kind = struct.unpack(">I4s", png[8:16])
    assert (kind, length) == (b"IHDR", 13)
    body = png[16:29]
    (crc,) = struct.unpack(">I", png[29:33])
    assert zlib.crc32(kind + body) == crc
    width, height = struct.unpack(">II", body[:8])
    assert png.endswith(b"IEND\xaeB`\x82")
    return width, height


def pixels(png: bytes) -> np.ndarray:
    """The decoded image, height × width × RGBA in 0..1 (matplotlib's own reader)."""
    return np.asarray(imread(io.BytesIO(png), format="png"))


def ink_columns(image: np.ndarray, rows: slice, colour: tuple[float, float, float]) -> np.ndarray:
    """Columns where `rows` hold pixels of about `colour`."""
    near = np.all(np.abs(image[rows, :, :3] - np.array(colour)) < 0.08, axis=2)
    return np.flatnonzero(near.any(axis=0))


def rgb(hex_colour: str) -> tuple[float, float, float]:
    r, g, b = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return r, g, b


def test_a_week_is_a_small_png_of_the_intended_size() -> None:
    png = english(WEEK)
    assert png_size(png) == (WIDTH_PX, HEIGHT_PX) == (1200, 675)
    assert pixels(png).shape[:2] == (675, 1200)
    assert len(png) < 200_000  # Telegram takes 10 MB; a phone on a slow line should not wait


def test_arabic_labels_render_right_to_left() -> None:
    """The title sits at the right edge in Arabic, at the left in English, and the first day
    (the only one with posts here) is the rightmost bar in Arabic, the leftmost in English."""
    days = week([5, 0, 0, 0, 0, 0, 0], [1, 2, 3, 4, 5, 6, 7])
    ltr, rtl = pixels(english(days)), pixels(arabic(days))
    assert png_size(arabic(days)) == (1200, 675)
    title_rows, ink = slice(0, 45), rgb("#222222")
    assert ink_columns(ltr, title_rows, ink).min() < 60
    assert ink_columns(rtl, title_rows, ink).max() > 1140
    assert ink_columns(rtl, title_rows, ink).min() > 200  # right-aligned, not spread across
    posts_rows, blue = slice(100, 330), rgb(POSTS_COLOUR)
    ltr_bar, rtl_bar = ink_columns(ltr, posts_rows, blue), ink_columns(rtl, posts_rows, blue)
    # The panel titles share the bars' colour, so look below them, where only bars are drawn.
    assert ltr_bar.max() < 400
    assert rtl_bar.min() > 800


def test_a_week_without_posts_or_saves_still_draws() -> None:
    png = english(week([0] * 7, [0] * 7), title="Quiet week")
    assert png_size(png) == (1200, 675)


def test_a_single_day_draws() -> None:
    assert png_size(english(WEEK[:1])) == (1200, 675)
    assert png_size(arabic(WEEK[:1])) == (1200, 675)


def test_a_month_of_big_numbers_draws() -> None:
    days = [DayCount(START + timedelta(i), 1_000 + i, 1_000_000 - i * 30_000) for i in range(31)]
    png = english(days, labels=[str((START + timedelta(i)).day) for i in range(31)])
    assert png_size(png) == (1200, 675)
    assert len(png) < 200_000


def test_a_week_of_millions_draws() -> None:
    days = week([1_000] * 7, [1_000_000 + i * 111_111 for i in range(7)])
    assert png_size(english(days)) == (1200, 675)


def test_texts_are_never_read_as_formulas() -> None:
    r"""A "$" pair in a translated text is text: as mathtext, "$\frac$" would raise."""
    png = daily_chart(
        WEEK,
        day_labels=[r"$\frac$"] * 7,
        title=r"Costs $\frac$",
        posts_label=r"$\frac$ posts",
        saves_label=r"$\frac$ saves",
    )
    assert png_size(png) == (1200, 675)


def test_two_threads_at_once_each_get_their_own_picture() -> None:
    """Rendered together from two threads, each chart is byte for byte what it is alone."""
    alone = {"en": english(WEEK), "ar": arabic(WEEK)}
    gate = threading.Barrier(2)

    def render(language: str) -> bytes:
        gate.wait(timeout=10)
        return english(WEEK) if language == "en" else arabic(WEEK)

    with ThreadPoolExecutor(max_workers=2) as pool:
        together = dict(zip(("en", "ar"), pool.map(render, ("en", "ar")), strict=True))
    assert together == alone
    assert alone["en"] != alone["ar"]


@pytest.mark.parametrize(
    ("days", "labels", "message"),
    [
        (WEEK, EN_DAYS[:6], "one label per day: 7 days, 6 labels"),
        ([], [], "takes 1 to 31 days, got 0"),
        (WEEK * 5, EN_DAYS * 5, "takes 1 to 31 days, got 35"),
        (week([1, -1], [0, 0]), EN_DAYS[:2], "counts cannot be negative"),
    ],
)
def test_input_it_cannot_draw_is_refused_by_name(
    days: list[DayCount], labels: list[str], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        english(days, labels=labels)


def test_importing_the_module_does_not_import_matplotlib() -> None:
    """The bot's start-up and the CLI do not pay matplotlib's import for a weekly chart."""
    probe = "import sys, bot.insight.chart; print('matplotlib' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert done.stdout.strip() == "False"
