"""Counting updates and timing handlers at python-telegram-bot's two central seams.

- `MeteredUpdates` is the Application's update processor (`ApplicationBuilder
  .concurrent_updates`), through which every update handed to the handlers passes: it counts the
  update by kind and outcome once its handlers are done.
- `time_handlers` wraps each registered handler's callback once, in the app factory: handler
  time is measured per callback (named, e.g. `show_latest`), which also covers the handlers that
  run without blocking (`block=False`: /latest, /favorites), whose time the update processor
  never sees. A callback that raises marks its update, through a context variable the update
  processor set, so the update counts as `error`; a non-blocking callback may fail after its
  update was counted, which `newsdesk_handler_errors` still shows.

⭐ presses never reach python-telegram-bot: `bot.serving.Intake` counts them (`press`).
"""

from __future__ import annotations

import contextvars
import time
from collections.abc import Awaitable, Callable, Coroutine, Iterable
from typing import Any

from prometheus_client import Counter
from telegram import Update
from telegram.ext import ApplicationHandlerStop, BaseHandler, SimpleUpdateProcessor

from bot.metrics.instruments import Metrics

# The kinds newsdesk asks for (bot.serving.ALLOWED_UPDATES) and a few Telegram sends anyway.
KINDS = (
    "message",
    "edited_message",
    "callback_query",
    "channel_post",
    "edited_channel_post",
    "my_chat_member",
    "message_reaction_count",
    "message_reaction",
    "chat_member",
)


class _Span:
    """One update on its way through the handlers."""

    __slots__ = ("failed",)

    def __init__(self) -> None:
        self.failed = False


_current: contextvars.ContextVar[_Span | None] = contextvars.ContextVar(
    "newsdesk_update", default=None
)


def update_kind(update: object) -> str:
    """Telegram's name for what the update carries ("message", "callback_query", …)."""
    if isinstance(update, Update):
        for kind in KINDS:
            if getattr(update, kind, None) is not None:
                return kind
    return "other"


class MeteredUpdates(SimpleUpdateProcessor):
    """python-telegram-bot's plain processor, counting each update when its handlers are done."""

    def __init__(self, max_concurrent_updates: int, metrics: Metrics) -> None:
        super().__init__(max_concurrent_updates)
        self._metrics = metrics

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        span = _Span()
        token = _current.set(span)
        try:
            await coroutine
        finally:
            _current.reset(token)
            outcome = "error" if span.failed else "handled"
            self._metrics.updates.labels(update_kind(update), outcome).inc()


Callback = Callable[[Any, Any], Coroutine[Any, Any, Any]]


def time_handlers(handlers: Iterable[BaseHandler[Any, Any, Any]], metrics: Metrics) -> None:
    """Wrap every handler's callback so its time and its failures are counted."""
    errors = Counter(
        "newsdesk_handler_errors",
        "Handler callbacks that raised, by callback",
        ["handler"],
        registry=metrics.registry,
    )
    for handler in handlers:
        handler.callback = _timed(handler.callback, metrics, errors)


def _timed(callback: Callback, metrics: Metrics, errors: Counter) -> Callback:
    name = getattr(callback, "__name__", type(callback).__name__)
    seconds = metrics.handler_seconds.labels(name)
    failures = errors.labels(name)

    async def timed(update: Any, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return await callback(update, context)
        except ApplicationHandlerStop:  # the gate stopping an update on purpose (flood guard)
            raise
        except Exception:
            failures.inc()
            span = _current.get()
            if span is not None:
                span.failed = True
            raise
        finally:
            seconds.observe(time.perf_counter() - started)

    timed.__name__ = name
    timed.__doc__ = callback.__doc__
    return timed
