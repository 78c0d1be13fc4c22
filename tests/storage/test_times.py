"""The one tolerant time parser: every reasonable form read, anything else None, never a raise."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from storage.times import parse_time

MOMENT = datetime(2026, 12, 1, 5, 0, 54, tzinfo=UTC)


@pytest.mark.parametrize(
    "value",
    [
        "2026-12-01 05:00:54 UTC",
        "2026-12-01T05:00:54Z",
        "2026-12-01t05:00:54z",
        "2026-12-01 05:00:54 GMT",
        "2026-12-01T08:00:54+0300",
        "2026-12-01T08:00:54+03",
        "2026-12-01 08:00:54 +03:00",
        "2026-12-01T05:00:54",
        "20261201T050054Z",
        "Tue, 01 Dec 2026 05:00:54 GMT",
        "Tue, 01 Dec 2026 08:00:54 +0300",
        "1 Dec 2026 00:00:54 EST",
        1796101254,
        "1796101254",
        "1796101254000",
        1796101254.0,
    ],
)
def test_reasonable_forms_are_read(value: object) -> None:
    assert parse_time(value) == MOMENT


@pytest.mark.parametrize(
    "value",
    ["", "soon", "2026-02-31", "2026-12-01 25:00:00", "99999-01-01", None, b"2026", True, "12"],
)
def test_anything_else_is_none(value: object) -> None:
    assert parse_time(value) is None
