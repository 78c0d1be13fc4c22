"""How a source's state moves after a fetch: back-off, polling spread, admin alerts.

Kept apart from the service so the policy reads in one place: a success polls again after the
source's interval (±10 %, so sources configured alike drift apart instead of firing together); a
failure waits interval × 2^(failures-1), capped at six hours, times a random 1–1.25 so that many
sources failing together (the site is down) do not retry in lock-step. A source failing for an
hour is reported to the admins once, and its recovery once.
"""

from __future__ import annotations

import random
from dataclasses import replace
from datetime import datetime, timedelta

from bot import catalogue
from bot.catalogue import Compose
from bot.domain import SourceState

MAX_BACKOFF = timedelta(hours=6)
ALERT_AFTER = timedelta(hours=1)


def after_success(
    state: SourceState,
    *,
    now: datetime,
    interval: timedelta,
    rng: random.Random,
    etag: str | None,
    last_modified: str | None,
    content_sha256: str | None,
    entry_count: int,
) -> SourceState:
    """The state after a fetch that worked (including a 304)."""
    return replace(
        state,
        etag=etag,
        last_modified=last_modified,
        content_sha256=content_sha256,
        entry_count=entry_count,
        last_fetch_at=now,
        last_success_at=now,
        failing_since=None,
        consecutive_failures=0,
        next_attempt_at=now + interval * rng.uniform(0.9, 1.1),
        last_error=None,
        first_fetch_done=True,
    )


def after_failure(
    state: SourceState,
    *,
    now: datetime,
    interval: timedelta,
    rng: random.Random,
    error: str,
) -> SourceState:
    """The state after a failed fetch, with its back-off."""
    failures = state.consecutive_failures + 1
    delay = min(interval * 2 ** min(failures - 1, 20), max(MAX_BACKOFF, interval))
    return replace(
        state,
        last_fetch_at=now,
        failing_since=state.failing_since or now,
        consecutive_failures=failures,
        next_attempt_at=now + delay * rng.uniform(1.0, 1.25),
        last_error=error[:500],
    )


def failure_alert(state: SourceState, *, now: datetime, alert_after: timedelta) -> Compose | None:
    """The admin message due for a failing source, if one is due now (only once per outage).

    Plain text, in each editor's language: a function of the language.
    """
    if state.alerted or state.failing_since is None or now - state.failing_since < alert_after:
        return None
    minutes = int((now - state.failing_since).total_seconds() // 60)

    def compose(language: str) -> str:
        return catalogue.text(
            "source_down",
            language,
            name=state.name,
            minutes=catalogue.plural("duration_minutes", language, minutes, mark=False),
            attempts=catalogue.plural(
                "attempts", language, state.consecutive_failures, mark=False
            ),
            error=state.last_error,
        )

    return compose


def recovery_notice(before: SourceState, *, now: datetime) -> Compose | None:
    """The admin message due when a source we alerted about works again."""
    if not before.alerted:
        return None
    since = before.failing_since or now
    minutes = int((now - since).total_seconds() // 60)

    def compose(language: str) -> str:
        spent = catalogue.plural("duration_minutes", language, minutes, mark=False)
        return catalogue.text("source_back", language, name=before.name, minutes=spent)

    return compose
