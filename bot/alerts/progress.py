"""What /status and the Publish confirmation say about alerts: reach, progress, time left.

Plain figures computed by `AlertService` from the store and from what it measures while
sending; the texts are the callers' (the catalogue's), in each editor's language.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class AlertReach:
    """What Publish would start: how many readers an alert reaches, and how long it takes."""

    readers: int
    seconds: float


@dataclass(frozen=True)
class AlertProgress:
    """Where one alert stands, for /status."""

    alert_id: int
    title: str
    counts: dict[str, int]
    # Alerts a second measured since this process began sending it; None while it waits
    # (behind another alert, or not started yet).
    per_second: float | None = None
    # Until its last recipient is handled, at the measured rate (the configured pace while it
    # waits), after the alerts ahead of it.
    seconds_left: float = 0.0

    @property
    def total(self) -> int:
        """Recipients of this alert."""
        return sum(self.counts.values())

    @property
    def done(self) -> int:
        """Recipients already handled, whatever the outcome."""
        return self.total - self.left

    @property
    def left(self) -> int:
        """Recipients not handled yet."""
        return self.counts["pending"] + self.counts["sending"]
