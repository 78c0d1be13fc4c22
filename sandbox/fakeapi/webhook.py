"""Webhook delivery: queued updates POSTed to the bot the way Telegram's server does it.

While setWebhook has a URL installed (``methods_webhook``), each queued update goes out as a
JSON POST (``Content-Type: application/json``), with ``X-Telegram-Bot-Api-Secret-Token`` when
a secret was set. The shape follows tdlib's telegram-bot-api (its ``WebhookActor``):

- An update is delivered by a 2xx answer. Anything else — another status, a refused or reset
  connection, no answer within ``WebhookTiming.timeout`` — leaves it queued (so it counts in
  ``pending_update_count``), sets ``last_error_date``/``last_error_message`` ("Wrong response
  from the webhook: 500 Internal Server Error", "Connection refused", "Read timeout expired")
  and schedules a retry: at once after the first failure, then after ``first_backoff``,
  doubling up to ``max_backoff`` (Telegram: 2 s doubling to about a minute; the defaults are
  short for tests), or after the answer's ``Retry-After``. The fake never gives up, where
  Telegram drops an update after its lifetime (a day; 150 s for a callback query).
- Order: as Telegram does, updates wait in queues by sender — a chat's messages in the chat's
  queue, callback queries in their user's, reaction counts in the chat's — and a queue's next
  update waits while the one before it is in flight or waiting to be retried; queues go on
  independently, up to ``max_connections`` requests at once. A storm of presses by different
  readers is therefore delivered in parallel while one chat's messages arrive in order.
- A 2xx answer may carry one Bot API call (a JSON or form body with ``method``): it is run as
  if the bot had made it and recorded with ``via_reply``; its result goes nowhere. Getters,
  setWebhook, deleteWebhook, close and logOut are ignored there, as by Telegram.

One scheduler thread picks deliverable updates under the state lock and hands them to a pool
of worker threads posting with ``http.client`` over kept-alive connections; nothing runs on a
test's event loop, so delivery goes on while it is blocked. ``stop()`` shuts every open socket
so a receiver that never answers cannot hold the fake's shutdown.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from sandbox.fakeapi.decode import decode_request
from sandbox.fakeapi.dispatch import Dispatcher
from sandbox.fakeapi.faults import ApiError
from sandbox.fakeapi.methods_webhook import MAX_CONNECTIONS
from sandbox.fakeapi.models import JsonDict
from sandbox.fakeapi.state import REACTION_COUNT, State
from sandbox.fakeapi.webhook_http import Answer, Connections, Job, describe, post

logger = logging.getLogger(__name__)

_NOT_IN_REPLIES = frozenset({"setwebhook", "deletewebhook", "close", "logout"})
# The delivery queue of each update kind, keyed as Telegram keys it: posts and chat events by
# chat (a queue per kind of event), queries by the user who made them. Kinds not listed here
# get a queue of their own.
_BY_CHAT = {
    "message": "chat",
    "edited_message": "chat",
    "channel_post": "chat",
    "edited_channel_post": "chat",
    "message_reaction": "reaction",
    REACTION_COUNT: "reaction_count",
    "my_chat_member": "member",
    "chat_member": "member",
}
_BY_SENDER = frozenset({"callback_query", "inline_query", "chosen_inline_result"})


@dataclass(frozen=True)
class WebhookTiming:
    """How long the fake waits for the bot's answer, and how it backs off after failures."""

    timeout: float = 10.0  # seconds without a byte of the answer: "Read timeout expired"
    first_backoff: float = 0.05  # the wait before the second retry; each later one doubles
    max_backoff: float = 1.0

    def backoff(self, failures: int) -> float:
        """The wait before the next attempt after ``failures`` failed ones."""
        if failures <= 1:
            return 0.0
        return min(self.first_backoff * 2.0 ** (failures - 2), self.max_backoff)


@dataclass
class _Retry:
    failures: int = 0
    due: float = 0.0


def queue_key(update_id: int, kind: str, body: JsonDict) -> tuple[str, int]:
    """The delivery queue of an update: updates sharing one are delivered in order."""
    if kind in _BY_CHAT and isinstance(body.get("chat"), dict):
        return _BY_CHAT[kind], int(body["chat"]["id"])
    if kind in _BY_SENDER and isinstance(body.get("from"), dict):
        return kind, int(body["from"]["id"])
    return "update", update_id


class WebhookDelivery:
    """The threads that push queued updates to the webhook while one is set."""

    def __init__(self, state: State, dispatcher: Dispatcher, timing: WebhookTiming) -> None:
        self._state = state
        self._dispatcher = dispatcher
        self._timing = timing
        self._in_flight: set[int] = set()
        self._retries: dict[int, _Retry] = {}
        self._generation = 0
        self._halt = threading.Event()
        self._connections = Connections()
        self._pool = ThreadPoolExecutor(MAX_CONNECTIONS, thread_name_prefix="fake-telegram-hook")
        self._thread = threading.Thread(
            target=self._run, name="fake-telegram-webhook", daemon=True
        )

    def start(self) -> WebhookDelivery:
        """Begin watching for deliverable updates."""
        self._thread.start()
        return self

    def stop(self, timeout: float = 5.0) -> None:
        """Stop scheduling, cut requests in flight and join the threads."""
        self._halt.set()
        with self._state.cond:
            self._state.cond.notify_all()
        self._thread.join(timeout)
        self._connections.cut()
        self._pool.shutdown(wait=True, cancel_futures=True)
        self._connections.close_all()

    # -- scheduling (the scheduler thread) ---------------------------------------------------

    def _run(self) -> None:
        st = self._state
        while True:
            with st.cond:
                if self._halt.is_set() or st.stopping.is_set():
                    return
                job, wait = self._next_job(time.monotonic())
                if job is None:
                    st.cond.wait(wait)
                    continue
            self._pool.submit(self._deliver, job)

    def _next_job(self, now: float) -> tuple[Job | None, float | None]:
        """The first deliverable update (marked in flight), else how long to wait at most."""
        st = self._state
        hook = st.webhook
        if hook is None:
            return None, None
        if hook.generation != self._generation:  # a new webhook starts with fresh back-offs
            self._generation, self._retries = hook.generation, {}
        if len(self._in_flight) >= hook.max_connections:
            return None, None  # a finished delivery bumps the state and wakes us
        st.drop_unwanted()
        held: set[tuple[str, int]] = set()
        soonest: float | None = None
        for uid, kind, body in st.updates:
            key = queue_key(uid, kind, body)
            if key in held:
                continue
            held.add(key)  # later updates of this queue wait for this one
            retry = self._retries.get(uid)
            if uid in self._in_flight or (retry is not None and retry.due > now):
                if retry is not None and uid not in self._in_flight:
                    soonest = retry.due if soonest is None else min(soonest, retry.due)
                continue
            self._in_flight.add(uid)
            st.mark_seen(uid, kind, body)
            data = json.dumps({"update_id": uid, kind: body}, ensure_ascii=False).encode()
            where = (hook.host, hook.port, hook.target, hook.secret_token)
            return Job(uid, data, *where, hook.generation), None
        return None, None if soonest is None else max(soonest - now, 0.001)

    # -- delivering (worker threads) ---------------------------------------------------------

    def _deliver(self, job: Job) -> None:
        try:
            answer = post(self._connections, job, self._timing.timeout)
        except Exception as exc:  # a bug here must not silently stall a queue
            logger.exception("fake Telegram could not deliver update %s", job.update_id)
            answer = describe(exc)
        st = self._state
        delivered = isinstance(answer, Answer) and 200 <= answer.status < 300
        with st.cond:
            self._in_flight.discard(job.update_id)
            if delivered:
                self._retries.pop(job.update_id, None)
                st.confirm_update(job.update_id)
            elif not self._halt.is_set():
                self._failed(job, answer)
            st.bump()  # a connection is free: wake the scheduler
        if delivered and isinstance(answer, Answer) and not self._halt.is_set():
            self._run_reply(answer)

    def _failed(self, job: Job, answer: Answer | str) -> None:
        """Note the error on the webhook (if still the same one) and schedule the retry."""
        hook = self._state.webhook
        if hook is None or hook.generation != job.generation:
            return
        retry_after = None
        if isinstance(answer, Answer):
            message = f"Wrong response from the webhook: {answer.status} {answer.reason}"
            retry_after = answer.retry_after
        else:
            message = answer
        hook.last_error_date, hook.last_error_message = int(time.time()), message
        retry = self._retries.setdefault(job.update_id, _Retry())
        retry.failures += 1
        delay = retry_after if retry_after is not None else self._timing.backoff(retry.failures)
        retry.due = time.monotonic() + delay

    def _run_reply(self, answer: Answer) -> None:
        """Run the Bot API call carried in a 2xx answer, if it holds one Telegram would run."""
        if not answer.body.strip():
            return
        try:
            request = decode_request("", answer.body, answer.content_type)
        except ApiError:
            return  # Telegram ignores an answer it cannot read
        method = request.params.pop("method", None)
        if not isinstance(method, str) or not method:
            return
        if method.lower() in _NOT_IN_REPLIES or method.lower().startswith("get"):
            return
        self._dispatcher.perform_reply(method, request.params, request.files)
