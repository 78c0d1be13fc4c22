"""Writes that must land: the record of something the outside world already did.

When Telegram has accepted a post, the store must learn it, or the next pass would post the
article again (or a restart would call it uncertain). If the store is unreachable just then,
such a write is tried again with back-off until it lands — for as long as the bot runs. If the
bot stops first, the write is given up and the record stays as the send left it (`sending`),
which the next start turns into `uncertain` and reports to the editors: the same path as a
crash between the send and the record.

A commit whose connection died may or may not have landed, so these writes must be
conditional (`mark_posted` changes only a record still `sending`): the caller checks, after
a retry reports "nothing changed", whether the first try had in fact landed.
"""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Awaitable, Callable
from typing import TypeVar

from bot.domain.errors import SendInterruptedError, StoreUnavailableError
from storage.database import Database
from storage.sql import StoreConn

logger = logging.getLogger(__name__)

T = TypeVar("T")

FIRST_DELAY_SECONDS = 0.5
MAX_DELAY_SECONDS = 15.0


async def write_until_stored(
    db: Database,
    write: Callable[[StoreConn], Awaitable[T]],
    *,
    stopping: asyncio.Event,
    what: str,
) -> tuple[T, int]:
    """Run `write` in a write transaction until it commits; return its result and the tries.

    Only `StoreUnavailableError` is retried. Raises `SendInterruptedError` when `stopping` is
    set before the write landed (`what` names it in the log, for the operator).
    """
    tries = 0
    while True:
        tries += 1
        try:
            async with db.write() as conn:
                return await write(conn), tries
        except StoreUnavailableError as exc:
            if tries == 1:
                logger.warning("%s: not stored yet, retrying until it is (%s)", what, exc)
            ceiling = min(MAX_DELAY_SECONDS, FIRST_DELAY_SECONDS * 2 ** (tries - 1))
            delay = random.uniform(ceiling / 2, ceiling)  # noqa: S311 - jitter, not cryptography
            try:
                await asyncio.wait_for(stopping.wait(), timeout=delay)
            except TimeoutError:
                continue
            logger.error(
                "%s: the bot stopped before the store took it; it stays 'sending' and is "
                "reported as uncertain at the next start",
                what,
            )
            raise SendInterruptedError from exc
