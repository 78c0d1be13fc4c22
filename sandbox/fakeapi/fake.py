"""The test-facing double: start a fake Telegram, shape its world, act as users, observe.

Everything a test or the demo sandbox needs goes through ``FakeTelegram``: it owns the shared
state and the HTTP thread, and every method takes the state lock, so it is safe to call from
the test's event loop while the bot talks to the server from its own connections. Returned
messages and calls are copies, so assertions never race with the server. Its methods come from
mixins by purpose: ``world`` (chats, users, acting as users), ``recording`` (faults, rate
limits, observation) and ``waiting`` (deadline-bounded waits); this module is the lifecycle:
the HTTP thread, and the threads that POST updates once the bot sets a webhook (``webhook``).
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sandbox.fakeapi.dispatch import Dispatcher
from sandbox.fakeapi.recording import RecordingMixin
from sandbox.fakeapi.server import HttpServerThread
from sandbox.fakeapi.state import State
from sandbox.fakeapi.waiting import WaitingMixin
from sandbox.fakeapi.webhook import WebhookDelivery, WebhookTiming
from sandbox.fakeapi.world import WorldMixin


class FakeTelegram(WorldMixin, RecordingMixin, WaitingMixin):
    """A local fake Telegram Bot API server; point PTB at ``base_url``."""

    def __init__(
        self,
        *,
        bot_username: str = "newsdesk_bot",
        token: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        webhook_timing: WebhookTiming | None = None,
    ) -> None:
        self._state = State(bot_username)
        self._dispatcher = Dispatcher(self._state, token)
        self._host, self._port = host, port
        self._webhook_timing = webhook_timing or WebhookTiming()
        self._http: HttpServerThread | None = None
        self._delivery: WebhookDelivery | None = None

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self) -> Self:
        """Bind the port and serve in a background thread; deliver to a webhook once set."""
        if self._http is not None:
            raise RuntimeError("FakeTelegram is already started")
        self._state.stopping.clear()
        self._http = HttpServerThread(
            self._dispatcher.handle, self._state.stopping, self._host, self._port
        )
        self._http.start()
        self._delivery = WebhookDelivery(self._state, self._dispatcher, self._webhook_timing)
        self._delivery.start()
        return self

    def stop(self) -> None:
        """Stop serving; pending long polls, held answers and webhook POSTs end at once."""
        if self._http is None:
            return
        self._state.stopping.set()
        with self._state.cond:
            self._state.cond.notify_all()
        if self._delivery is not None:
            self._delivery.stop()
            self._delivery = None
        self._http.stop()
        self._http = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """Server root, e.g. ``http://127.0.0.1:PORT``."""
        if self._http is None:
            raise RuntimeError("FakeTelegram is not started")
        return f"http://{self._host}:{self._http.port}"

    @property
    def base_url(self) -> str:
        """What to pass to ``ApplicationBuilder().base_url()``: ``<url>/bot``."""
        return f"{self.url}/bot"
