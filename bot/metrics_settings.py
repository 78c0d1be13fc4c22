"""`[metrics]`: where a polling bot serves `/healthz`, `/readyz` and `/metrics` (off by default).

Off unless `port` is set: the endpoints say how the bot is doing, so they listen on loopback
unless the operator opens them wider (`listen = "0.0.0.0"` for a scraper on another host).
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from bot.http_listen import ListenAddress


class MetricsSettings(BaseModel):
    """The health and metrics server of a polling bot."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    listen: ListenAddress = "127.0.0.1"
    # None: no server. 0 picks a free port (tests); the log line names it.
    port: Annotated[int, Field(ge=0, le=65_535)] | None = None

    @property
    def enabled(self) -> bool:
        """Whether the server runs."""
        return self.port is not None
