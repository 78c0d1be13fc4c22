"""What an answer to one alert means: sent, blocked, failed, uncertain, or try again.

Shared by both senders in `bot.alerts.sender` (`LeanSender` maps raw HTTP answers with
`outcome_of`, `PtbSender` maps python-telegram-bot's exceptions onto the same outcomes), so a
subscriber counts as gone, or a 429 holds every send, whichever path the alert took. A 429 or a
passing failure is raised rather than returned: the fan-out retries that recipient, it is no
outcome yet.
"""

from __future__ import annotations

import json

from bot.domain import Outcome
from bot.domain.errors import AlertRetryLaterError, AlertTryAgainError

# Descriptions of a 400 that mean the subscriber is gone for good: counted as blocked.
_GONE = ("chat not found", "user is deactivated", "peer_id_invalid", "user not found")


def is_gone(description: str) -> bool:
    """Whether Telegram's description of a refusal says the subscriber no longer exists."""
    return any(marker in description.lower() for marker in _GONE)


def outcome_of(user_id: int, status: int, body: bytes) -> Outcome:
    """What a Bot API answer means for one alert (the mapping python-telegram-bot applies)."""
    if 200 <= status <= 299:
        return Outcome(user_id, "sent")
    try:
        error = json.loads(body)
        description = str(error.get("description") or f"HTTP {status}")
        parameters = error.get("parameters") or {}
        retry_after = parameters.get("retry_after")
    except (ValueError, AttributeError):
        description, retry_after = f"HTTP {status} with an unreadable answer", None
    if retry_after is not None:
        raise AlertRetryLaterError(float(retry_after))
    if status == 429:  # flood control without a figure: still obey it
        raise AlertRetryLaterError(1.0)
    if status == 403:
        return Outcome(user_id, "blocked", description)
    if status == 400:
        gone = is_gone(description)
        return Outcome(user_id, "blocked" if gone else "failed", description)
    if status >= 500:  # Telegram's side: nothing was sent, another try may work
        raise AlertTryAgainError(description)
    return Outcome(user_id, "failed", description)
