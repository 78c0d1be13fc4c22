"""`[insight] weekly_report`: its shape, the config errors an operator reads, and which seven
local days each scheduled report covers."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.cli import main
from bot.insight.schedule import WeeklySchedule
from tests.support import REALISTIC_TOKEN

BEIRUT = ZoneInfo("Asia/Beirut")
CONFIG = f"""
[telegram]
token = "{REALISTIC_TOKEN}"
channel = "@example_news"
admins = [4242]

[site]
timezone = "Asia/Beirut"
"""


def check_config(tmp_path: Path, text: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    config = tmp_path / "config.toml"
    config.write_text(text, encoding="utf-8")
    code = main(["--config", str(config), "check-config"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


@pytest.mark.parametrize(
    ("text", "weekday", "at"),
    [("mon 09:00", 0, time(9)), ("SUN 23:59", 6, time(23, 59)), ("  Fri   7:30 ", 4, time(7, 30))],
)
def test_a_weekday_and_a_time(text: str, weekday: int, at: time) -> None:
    assert WeeklySchedule.parse(text) == WeeklySchedule(weekday, at)


def test_the_report_is_on_by_default_and_off_when_empty(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, output = check_config(tmp_path, CONFIG, capsys)
    assert code == 0 and "weekly report           mon 09:00 (Asia/Beirut)" in output
    off = f'{CONFIG}\n[insight]\nweekly_report = ""\n'
    code, output = check_config(tmp_path, off, capsys)
    assert code == 0 and "weekly report           off" in output


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ('"monday 09:00"', "(got 'monday 09:00')"),
        ('"mon 9"', "(got 'mon 9')"),
        ('"mon 24:00"', "(got 'mon 24:00')"),
        ('"09:00 mon"', "(got '09:00 mon')"),
    ],
)
def test_a_bad_value_names_the_key_and_the_shape(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], value: str, shown: str
) -> None:
    code, output = check_config(
        tmp_path, f"{CONFIG}\n[insight]\nweekly_report = {value}\n", capsys
    )
    assert code != 0
    [line] = [line for line in output.splitlines() if "insight.weekly_report" in line]
    assert 'expected a weekday and a 24-hour time in site.timezone, such as "mon 09:00"' in line
    assert shown in line
    assert "Traceback" not in output


def test_a_number_or_an_unknown_key_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, output = check_config(tmp_path, f"{CONFIG}\n[insight]\nweekly_report = 9\n", capsys)
    assert code != 0 and "insight.weekly_report: expected a string in quotes" in output
    code, output = check_config(tmp_path, f'{CONFIG}\n[insight]\nweekly = "mon 09:00"\n', capsys)
    assert code != 0 and "insight.weekly: unknown key" in output


def test_a_monday_report_covers_the_previous_monday_to_sunday() -> None:
    schedule = WeeklySchedule.parse("mon 09:00")
    just_before = datetime(2026, 11, 30, 8, 59, tzinfo=BEIRUT)
    assert schedule.last_at_or_before(just_before, BEIRUT) == datetime(
        2026, 11, 23, 9, 0, tzinfo=BEIRUT
    )
    moment = schedule.last_at_or_before(datetime(2026, 11, 30, 7, 0, tzinfo=UTC), BEIRUT)
    assert moment == datetime(2026, 11, 30, 9, 0, tzinfo=BEIRUT)  # 07:00 UTC is 09:00 there
    week = schedule.week_of(moment)
    assert week.period == "2026-W48"
    assert week.days[0] == date(2026, 11, 23) and week.days[-1] == date(2026, 11, 29)
    assert week.since == datetime(2026, 11, 22, 22, 0, tzinfo=UTC)  # Monday 00:00 in Beirut
    assert week.until == datetime(2026, 11, 29, 22, 0, tzinfo=UTC)


def test_other_weekdays_year_ends_and_clock_changes() -> None:
    sunday = WeeklySchedule.parse("sun 18:00")
    week = sunday.week_of(datetime(2026, 11, 29, 18, 0, tzinfo=BEIRUT))
    assert (week.days[0], week.days[-1], week.period) == (
        date(2026, 11, 22),
        date(2026, 11, 28),
        "2026-W48",
    )
    new_year = WeeklySchedule.parse("mon 09:00").week_of(datetime(2027, 1, 4, 9, tzinfo=BEIRUT))
    assert new_year.period == "2026-W53"  # 28 Dec 2026 – 3 Jan 2027
    # Beirut moves its clocks forward on 28 March 2027: that week had 167 hours.
    spring = WeeklySchedule.parse("mon 09:00").week_of(datetime(2027, 3, 29, 9, tzinfo=BEIRUT))
    assert (spring.until - spring.since).total_seconds() == 167 * 3600
