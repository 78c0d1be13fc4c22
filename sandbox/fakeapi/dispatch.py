"""From a decoded HTTP request to an answer: token, method, injected faults, flood limits.

This is the one place that decides what Telegram would say to a call, independent of sockets,
so the order of checks matches the real API (unknown token before unknown method, queued
faults before flood control, flood control before validation) and every call, answered or not,
lands in the call log.
"""

from __future__ import annotations

import hmac
import logging
import re
import time
from dataclasses import dataclass
from typing import Any

from sandbox.fakeapi.decode import DecodedRequest, UploadedFile, decode_request
from sandbox.fakeapi.faults import ApiError, Fault
from sandbox.fakeapi.methods import MESSAGE_HANDLERS, SEND_METHODS, Call, Handler
from sandbox.fakeapi.methods_chat import CHAT_HANDLERS
from sandbox.fakeapi.methods_media import MEDIA_HANDLERS
from sandbox.fakeapi.methods_webhook import WEBHOOK_HANDLERS
from sandbox.fakeapi.models import JsonDict, RecordedCall
from sandbox.fakeapi.state import State

logger = logging.getLogger(__name__)

HANDLERS: dict[str, Handler] = {
    **MESSAGE_HANDLERS,
    **CHAT_HANDLERS,
    **MEDIA_HANDLERS,
    **WEBHOOK_HANDLERS,
}
_CANONICAL = {name.lower(): name for name in HANDLERS}
_PATH_RE = re.compile(r"/bot(?P<token>[^/]*)/(?P<method>[A-Za-z0-9_]+)/?")
_TOKEN_RE = re.compile(r"(?P<id>\d{1,20}):[A-Za-z0-9_-]{1,100}")
_Answer = tuple[int, Any, str | None]  # status, result or error body, fault kind
_NOT_FOUND: JsonDict = {"ok": False, "error_code": 404, "description": "Not Found"}


@dataclass(frozen=True)
class Outcome:
    """What the HTTP layer should do: answer ``body`` with ``status`` after ``hold`` seconds.

    ``body`` None means: close the connection without any HTTP answer.
    """

    status: int
    body: JsonDict | None
    hold: float = 0.0


class Dispatcher:
    """Runs one API call against the shared state and records it."""

    def __init__(self, state: State, token: str | None = None) -> None:
        self.state = state
        self.token = token

    def handle(self, path: str, query: str, body: bytes, content_type: str) -> Outcome:
        """Answer one request to ``path`` (``/bot<token>/<method>``)."""
        stamp = (time.monotonic(), time.time())
        match = _PATH_RE.fullmatch(path)
        if match is None:
            return Outcome(404, dict(_NOT_FOUND))
        token_match = _TOKEN_RE.fullmatch(match["token"])
        if token_match is None:
            return Outcome(404, dict(_NOT_FOUND))
        requested = match["method"]
        method = _CANONICAL.get(requested.lower(), requested)
        try:
            request = decode_request(query, body, content_type)
        except ApiError as exc:
            with self.state.cond:
                self._record(method, {}, stamp, (exc.status, exc.payload(), None))
            return Outcome(exc.status, exc.payload())
        params = _loggable_params(request)
        with self.state.cond:
            if self.token is not None and not hmac.compare_digest(
                match["token"].encode(), self.token.encode()
            ):
                error = ApiError(401, "Unauthorized")
                self._record(method, params, stamp, (401, error.payload(), None))
                return Outcome(401, error.payload())
            bot_id = int(token_match["id"])
            self.state.last_bot_id = bot_id
            call = Call(self.state, bot_id, method, request.params, request.files, stamp[0])
            fault = self.state.faults.take(method)
            return self._answer(call, fault, params, stamp)

    def perform_reply(self, method: str, params: JsonDict, files: dict[str, UploadedFile]) -> None:
        """Run the call a bot put in its answer to a webhook POST, as if it had made it.

        Telegram runs it and tells the bot nothing, so the answer is only recorded
        (``via_reply``); queued faults of the method apply as to a request.
        """
        stamp = (time.monotonic(), time.time())
        method = _CANONICAL.get(method.lower(), method)
        logged = _loggable_params(DecodedRequest(params, files))
        with self.state.cond:
            call = Call(self.state, self.state.last_bot_id, method, params, files, stamp[0])
            self._answer(call, self.state.faults.take(method), logged, stamp, via_reply=True)

    def _answer(
        self,
        call: Call,
        fault: Fault | None,
        params: JsonDict,
        stamp: tuple[float, float],
        *,
        via_reply: bool = False,
    ) -> Outcome:
        kind = fault.kind if fault is not None else None

        def record(status: int, result: Any) -> None:
            answer = RecordedCall(call.method, params, *stamp, status, result, kind, via_reply)
            self.state.record(answer)

        if fault is not None and fault.kind == "error":
            error = fault.error()
            record(error.status, error.payload())
            return Outcome(error.status, error.payload())
        if fault is not None and not fault.applied:
            record(0, None)
            return Outcome(0, None, fault.seconds)
        status, body = self._perform(call)
        if fault is not None and fault.kind == "drop":
            record(0, _result_of(body))
            return Outcome(0, None)
        record(status, _result_of(body))
        return Outcome(status, body, fault.seconds if fault is not None else 0.0)

    def _perform(self, call: Call) -> tuple[int, JsonDict]:
        handler = HANDLERS.get(call.method)
        if handler is None:
            error = ApiError(404, "Not Found: method not found")
            return error.status, error.payload()
        chat_id = self._rate_limited_chat(call)
        paid = call.params.get("allow_paid_broadcast") is True
        now = time.monotonic()
        try:
            if chat_id is not None:
                self.state.rates.check(chat_id, now, paid=paid)
            result = handler(call)
        except ApiError as exc:
            return exc.status, exc.payload()
        except Exception:
            logger.exception("fake Bot API handler for %s failed", call.method)
            return 500, ApiError(500, "Internal Server Error").payload()
        if chat_id is not None:
            self.state.rates.record(chat_id, now, paid=paid)
        return 200, {"ok": True, "result": result}

    def _rate_limited_chat(self, call: Call) -> int | None:
        if call.method not in SEND_METHODS:
            return None
        ref = call.params.get("chat_id")
        chat = self.state.find_chat(ref) if isinstance(ref, int | str) else None
        return chat.id if chat is not None else None

    def _record(
        self, method: str, params: JsonDict, stamp: tuple[float, float], answer: _Answer
    ) -> None:
        status, result, fault = answer
        self.state.record(RecordedCall(method, params, stamp[0], stamp[1], status, result, fault))


def _result_of(body: JsonDict) -> Any:
    return body["result"] if body.get("ok") else body


def _loggable_params(request: DecodedRequest) -> JsonDict:
    params = dict(request.params)
    for name, upload in request.files.items():
        params.setdefault(name, {"upload": upload.filename, "size": upload.size})
    return params
