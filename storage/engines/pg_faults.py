"""PostgreSQL going away while the bot runs: which failures mean it, and what is retried.

After `pg_terminate_backend`, a restart or a network cut, every pooled connection fails once
(measured on asyncpg 0.32: `ConnectionDoesNotExistError`, sometimes `InterfaceError` "connection
is closed" / "released back to the pool", or `InternalClientError` "another operation is in
progress" when the query raced the server's goodbye), and the pool then reconnects by itself.
So a failure that can have written nothing is retried with a short back-off for a few seconds:
a read outside a transaction, and the *start* of a write transaction (acquire, `BEGIN`, the
fence) — the fence only reads and takes a transaction-scoped lock. A failure after that rolls
the transaction back and reaches the caller as `StoreUnavailableError`: only the caller knows
whether its write may be repeated (the record of a post Telegram accepted must be, see
`bot.durable`).

Once an operation has given up, the store counts as down (`StoreHealth`) and later operations
try once, without waiting, until one succeeds: readers get their polite answer at once and the
server is not hammered by every caller's retries during a long outage.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

import asyncpg

from bot.domain.errors import StoreUnavailableError
from storage.health import StoreHealth

T = TypeVar("T")

# How long a safe operation keeps retrying before its caller hears the store is unavailable.
RETRY_SECONDS = 3.0
FIRST_DELAY_SECONDS = 0.05
MAX_DELAY_SECONDS = 1.0

# Server-side reasons a session ended: terminated by an administrator, the server crashing or
# shutting down, or not accepting connections yet (starting, recovering), or ended for sitting
# idle in a transaction past the limit (a paused process, see `postgres.idle_session_limit`).
_SERVER_GONE = (
    asyncpg.PostgresConnectionError,  # class 08: the connection does not exist, failed, …
    asyncpg.AdminShutdownError,
    asyncpg.IdleInTransactionSessionTimeoutError,
    asyncpg.CrashShutdownError,
    asyncpg.CannotConnectNowError,
)
# asyncpg's client-side words for a connection that died under it. Other `InterfaceError`s
# (`DataError`, a wrong argument count) are bugs in a statement and must not look like an outage.
_CLOSED_WORDS = ("connection is closed", "released back to the pool", "connection was closed")
# What opening a connection can raise: refused or unroutable, no answer, a server that says no
# (not accepting connections, bad password, no such database), a broken protocol.
CONNECT_ERRORS = (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError)


def is_connection_failure(exc: BaseException) -> bool:
    """Whether `exc` says the connection (not the statement) failed."""
    if isinstance(exc, (StoreUnavailableError, ConnectionError, *_SERVER_GONE)):
        return True
    if isinstance(exc, asyncpg.InternalClientError):
        return True  # the protocol's state broke when the server hung up mid-call
    if isinstance(exc, asyncpg.InterfaceError):
        text = str(exc)
        return any(words in text for words in _CLOSED_WORDS)
    return False


def _pool_closed(exc: BaseException) -> bool:
    """Whether `exc` (or the error it wraps) is asyncpg's "pool is closed": our own close."""
    cause = exc.__cause__ if isinstance(exc, StoreUnavailableError) else exc
    return isinstance(cause, asyncpg.InterfaceError) and "pool is closed" in str(cause)


def reason(exc: BaseException) -> str:
    """Why the store failed, in the server's or the system's words (never the URL)."""
    return str(exc) or type(exc).__name__  # (a connect failure's `StoreUnavailableError`
    # already holds just the reason, see `PgStore.acquire`)


def lost(where: str, exc: BaseException) -> StoreUnavailableError:
    """The error a caller sees when the store went away under it (`where` has no password)."""
    return StoreUnavailableError(f"the PostgreSQL store at {where} is unreachable: {reason(exc)}")


async def retrying(health: StoreHealth, attempt: Callable[[], Awaitable[T]]) -> T:
    """Run `attempt` (which must have written nothing when it fails) until it succeeds.

    Connection failures are retried with back-off for `RETRY_SECONDS` (once only while the
    store is known to be down); then the store counts as down and the caller gets
    `StoreUnavailableError`. Any other error passes through at once.
    """
    deadline = time.monotonic() + (0.0 if health.down else RETRY_SECONDS)
    delay = FIRST_DELAY_SECONDS
    while True:
        try:
            result = await attempt()
        except Exception as exc:
            if not is_connection_failure(exc):
                raise
            if _pool_closed(exc):  # closed by this process (stopping): no outage, no waiting
                raise lost(health.where, exc) from exc
            if time.monotonic() + delay > deadline:
                health.failed(reason(exc))
                raise lost(health.where, exc) from exc
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_DELAY_SECONDS)
            continue
        health.answered()
        return result
