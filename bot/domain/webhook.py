"""What taking a webhook update in found: the three answers a worker can give Telegram."""

from __future__ import annotations

import enum


class Taken(enum.Enum):
    """The store's verdict on one delivery of an update id (storage/webhook_updates.py)."""

    # Recorded by this worker now, or re-taken from a worker that is gone: hand it on, 200.
    NEW = "new"
    # Handed on already by this worker, or by one that lived past the hand-over: 200, no more.
    SEEN = "seen"
    # Taken moments ago by a live worker that may still be handing it on (or may have just
    # died): 503, so Telegram retries later, when the store can tell which.
    BUSY = "busy"
