"""The base of every config section: frozen, unknown keys refused, values taken as written.

One class, so the sections split across `bot/*_settings.py` cannot drift apart in strictness.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """A config section (a TOML table) validated strictly."""

    # Strict: TOML has real numbers and booleans, so `admins = [true, 4242.0]` or `enabled = 1`
    # is a mistake to report, not a value to coerce. Lists and paths opt out per field
    # (`Field(strict=False)`) because TOML gives lists and strings for them; their items stay
    # strict.
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)
