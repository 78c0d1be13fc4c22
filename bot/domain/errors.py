"""Every exception newsdesk raises on purpose, in one tree.

    NewsdeskError
    ├── ConfigError             the configuration file is missing, unreadable or invalid
    ├── StorageError            the store cannot be used as it is
    │   ├── SchemaTooNewError   the database was written by a newer newsdesk
    │   ├── InstanceRunningError another process already runs the bot on this database
    │   ├── LeaseLostError      another process took this one's lease over: it must stop
    │   ├── StoreNotWritableError the disk is full or the store is read-only
    │   ├── StoreUnavailableError PostgreSQL cannot be reached (or refuses this user)
    │   ├── WriteConflictError  PostgreSQL rolled a write back to break a deadlock: run it again
    │   └── UnreadableArticleError a row of `articles` (written by the site) cannot be read
    ├── DeliveryError           the Bot API refused or lost a post; carries the classified failure
    ├── AdminError              an editor's request cannot be done as asked
    │   └── NotAnEditorError    the requester is not an admin (checked again in the service)
    ├── NotSentError            the alert transport could not connect: nothing was sent
    ├── MaybeSentError          the alert request was written, then no complete answer came
    ├── AlertRetryLaterError    Telegram answered an alert with 429: hold everyone, then resend
    ├── AlertTryAgainError      an alert was not sent for a passing reason (5xx, no connection)
    ├── SendInterruptedError    the bot stopped while a post waited (429, back-off): still pending
    ├── ClaimLostError          while a post waited, an editor's push took the article
    └── IngestError             an input (a feed, a page, a file) could not become articles
        ├── NotAFeedError       no RSS, Atom or JSON Feed (an HTML page, RSS-in-JSON)
        ├── NoArticleError      a page holds no article text the extractor can find
        ├── ExtractTimeoutError reading a page passed `fetching.extract_timeout_seconds`
        └── FetchError          the network did not deliver a usable body
            ├── BlockedURLError scheme or address refused by the guard (SSRF protection)
            │   └── InvalidURLError  not a fetchable URL (scheme, host, port, syntax)
            ├── NetworkError    DNS, connection, TLS or protocol failure, or a timeout
            ├── TooLargeError   the body passed the size cap while streaming or decoding
            ├── ContentEncodingError  an unknown, too deeply stacked or corrupt encoding
            └── StatusCodeError the server answered with an error status

Handlers catch the ones they expect and answer politely; anything else reaches the global error
handler. The CLI turns them into a message and an exit code, never a traceback.
"""

from __future__ import annotations

import asyncio

from bot.domain.deliveries import Failure


class NewsdeskError(Exception):
    """Base of every error newsdesk raises deliberately."""


class ConfigError(NewsdeskError):
    """The configuration cannot be used; `problems` lists each one as a readable line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


class StorageError(NewsdeskError):
    """The store cannot be used as it is."""


class UnreadableArticleError(StorageError):
    """An `articles` row cannot become an Article (a time no parser reads, a bad value).

    The site writes that table directly, so this is data, not a bug: the publisher quarantines
    the article with `reason` and goes on with the others.
    """

    def __init__(self, article_id: int, reason: str) -> None:
        super().__init__(f"article {article_id}: {reason}")
        self.article_id = article_id
        self.reason = reason


class SchemaTooNewError(StorageError):
    """The database was migrated by a newer newsdesk; running older code on it could corrupt it."""


class InstanceRunningError(StorageError):
    """Another live process holds the bot's lease on this database."""


class LeaseLostError(StorageError):
    """Another process took over the instance lease (this one was paused or cut off too long).

    From then on this process is not the bot any more: every write transaction is refused with
    this error, and `newsdesk run` stops with its own exit code.
    """


class StoreNotWritableError(StorageError):
    """SQLite cannot write the store: the disk is full, or the file or its folder is read-only."""


class StoreUnavailableError(StorageError):
    """The PostgreSQL store cannot be used: unreachable, no answer, or it refused the login."""


class WriteConflictError(StorageError):
    """PostgreSQL rolled a write transaction back (a deadlock, a serialization failure).

    Nothing of the transaction was written, so running it again from the start is safe; a
    caller whose work may meet another process's in the wrong order retries a few times.
    """


class DeliveryError(NewsdeskError):
    """A post could not be delivered; `failure` says what kind of problem it is."""

    def __init__(self, failure: Failure) -> None:
        super().__init__(f"{failure.kind.value}: {failure.description}")
        self.failure = failure


class IngestError(NewsdeskError):
    """An input (fetched or read from a file) could not become articles."""


class NotAFeedError(IngestError):
    """The body is not a feed newsdesk can read."""


class NoArticleError(IngestError):
    """A page has no title or no article text."""


class ExtractTimeoutError(IngestError):
    """Reading a page took longer than allowed; its worker process was killed."""


class FetchError(IngestError):
    """Fetching a URL failed: network error, timeout, bad status or refused address."""


class BlockedURLError(FetchError):
    """The URL's scheme or resolved address is not allowed."""


class InvalidURLError(BlockedURLError):
    """The URL is not one newsdesk can fetch: the message names the problem, for a person."""


class NetworkError(FetchError):
    """The request did not complete: name resolution, connection, TLS, protocol or timeout."""


class TooLargeError(FetchError):
    """The response body exceeded the configured size cap."""


class ContentEncodingError(FetchError):
    """The body's Content-Encoding is unknown, stacked too deep, or does not decode."""


class StatusCodeError(FetchError):
    """The server answered with a status that carries no feed."""

    def __init__(self, status: int, url: str) -> None:
        super().__init__(f"HTTP {status} from {url}")
        self.status = status


class AdminError(NewsdeskError):
    """An editor's request cannot be done as asked; the message says why, for the editor."""


class NotAnEditorError(AdminError):
    """Someone who is not an admin asked for something that changes the channel."""


class NotSentError(NewsdeskError):
    """Nothing reached the server (connecting failed): safe to try again."""


class MaybeSentError(NewsdeskError):
    """The request was written but no complete answer came back: it may have been acted on."""


class AlertRetryLaterError(NewsdeskError):
    """Telegram answered 429: hold everyone, then send this recipient again."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry after {seconds:g} s")
        self.seconds = seconds


class AlertTryAgainError(NewsdeskError):
    """Not sent for a passing reason (no connection, a 5xx): worth another try later."""

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self.description = description


class SendInterruptedError(NewsdeskError):
    """The bot is stopping while a send waited; the article goes back to pending."""


class SlotWaitCancelledError(asyncio.CancelledError):
    """Cancelled (Ctrl-C on `newsdesk publish`) while waiting for the channel's send slot.

    Still a cancellation, so the task ends as cancelled; the subclass only tells the sender
    that nothing went out, so it can put its claim back to pending on the way out, rather than
    leave it `sending` for the next start to report as uncertain."""


class ClaimLostError(NewsdeskError):
    """While a send waited, an editor's push (or another pass) took the article."""
