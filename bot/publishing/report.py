"""What one publishing pass did: read by the CLI (`newsdesk publish`) and by tests."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PassReport:
    """What one pass did."""

    posted: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)
    uncertain: list[int] = field(default_factory=list)
    corrected: list[int] = field(default_factory=list)
    paused: str | None = None
    held: list[str] = field(default_factory=list)  # channels in quiet hours ("hold")
