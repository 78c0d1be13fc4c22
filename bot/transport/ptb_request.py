"""python-telegram-bot's requests over aiohttp instead of httpx.

Why: httpx's connection pool (httpcore) rescans every queued request on each state change
(`AsyncConnectionPool._assign_requests_to_connections`, encode/httpcore#1035, still open). With a
burst of answers queued behind 16 connections that is quadratic: the ⭐-storm profile spent 45 % of
the bot's CPU there and the bot collapsed to a fifth of its rate. aiohttp's connector keeps its
waiters in a queue and wakes one per freed connection, so a queue costs nothing per completion.

python-telegram-bot takes any `BaseRequest`; this one keeps PTB's contract (status and body
bytes back, `TimedOut` / `NetworkError` for transport failures) and sends parameters as JSON, or
as multipart form data when a file is uploaded, as the Bot API accepts both. Each transport
failure carries, as its cause, whether the request may have reached Telegram (`MaybeSentError`)
or surely did not (`NotSentError`): the publisher's exactly-once rests on that distinction.

Every call python-telegram-bot makes passes through `do_request`, so this is where Bot API calls
are counted: `on_call(method, outcome, retry_after)` with outcome "ok", "error" (Telegram
refused), "429" (with the seconds it asked for) or "network" (no complete answer).
"""

from __future__ import annotations

import json
from collections.abc import Callable

import aiohttp
from telegram._utils.defaultvalue import DefaultValue
from telegram._utils.types import ODVInput
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData

from bot.domain.errors import MaybeSentError, NotSentError
from bot.transport.proxy import proxy_for

_JSON = {"Content-Type": "application/json"}

# (method, outcome, seconds Telegram asked to wait): `bot.metrics.Metrics.api_call`.
CallObserver = Callable[[str, str, float], None]


class AiohttpRequest(BaseRequest):
    """One aiohttp session with a bounded pool, opened by `initialize`."""

    def __init__(
        self,
        *,
        connection_pool_size: int = 16,
        timeout: float = 10.0,
        media_write_timeout: float = 20.0,
        on_call: CallObserver | None = None,
    ) -> None:
        self._pool_size = connection_pool_size
        self._timeout = timeout
        self._media_timeout = max(media_write_timeout, timeout)
        self._session: aiohttp.ClientSession | None = None
        self._on_call = on_call
        self._proxies: dict[str, str | None] = {}  # per API host, looked up once
        # One timeout object per kind, not one per request: building them shows in profiles.
        self._default = aiohttp.ClientTimeout(total=None, sock_connect=timeout, sock_read=timeout)

    @property
    def read_timeout(self) -> float:
        return self._timeout

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=self._pool_size, ttl_dns_cache=300),
                headers={"User-Agent": self.USER_AGENT},
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()
        self._session = None

    async def do_request(  # noqa: PLR0917  (python-telegram-bot's signature)
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        write_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        connect_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
        pool_timeout: ODVInput[float] = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._on_call is None:
            return await self._request(url, method, request_data, read_timeout, connect_timeout)
        name = url.rpartition("/")[2]
        try:
            status, body = await self._request(
                url, method, request_data, read_timeout, connect_timeout
            )
        except NetworkError:
            self._on_call(name, "network", 0.0)
            raise
        if status == 200:
            self._on_call(name, "ok", 0.0)
        elif status == 429:
            self._on_call(name, "429", _retry_after(body))
        else:
            self._on_call(name, "error", 0.0)
        return status, body

    async def _request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None,
        read_timeout: ODVInput[float],
        connect_timeout: ODVInput[float],
    ) -> tuple[int, bytes]:
        session = self._session
        if session is None or session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        timeout = self._timeouts(
            read_timeout,
            connect_timeout,
            files=request_data is not None and request_data.contains_files,
        )
        try:
            # Proxies from the environment, as httpx did for python-telegram-bot.
            host = url.partition("/bot")[0]
            if host not in self._proxies:
                self._proxies[host] = proxy_for(url)
            proxy = self._proxies[host]
            if request_data is None:
                response = await session.request(method, url, timeout=timeout, proxy=proxy)
            elif request_data.contains_files:
                response = await session.request(
                    method, url, data=_form(request_data), timeout=timeout, proxy=proxy
                )
            else:
                response = await session.request(
                    method,
                    url,
                    data=request_data.json_payload,
                    headers=_JSON,
                    timeout=timeout,
                    proxy=proxy,
                )
            async with response:
                return response.status, await response.read()
        except (aiohttp.ClientConnectorError, aiohttp.ConnectionTimeoutError) as error:
            # Never connected: nothing reached Telegram, trying again is safe.
            raise _transport_error(error) from NotSentError(_name(error))
        except (TimeoutError, aiohttp.ClientError) as error:
            # Written, with no complete answer: Telegram may have acted on it.
            raise _transport_error(error) from MaybeSentError(_name(error))

    def _timeouts(
        self, read: ODVInput[float], connect: ODVInput[float], *, files: bool
    ) -> aiohttp.ClientTimeout:
        """aiohttp knows a connect and a read timeout; PTB's write and pool ones have no match."""
        if isinstance(read, DefaultValue) and isinstance(connect, DefaultValue) and not files:
            return self._default
        read_s = self._timeout if isinstance(read, DefaultValue) else read
        if files and read_s is not None:  # the answer to an upload comes after the upload
            read_s = max(read_s, self._media_timeout)
        return aiohttp.ClientTimeout(
            total=None,
            sock_connect=self._timeout if isinstance(connect, DefaultValue) else connect,
            sock_read=read_s,
        )


def _retry_after(body: bytes) -> float:
    """`parameters.retry_after` of a 429 answer (0 when it has none)."""
    try:
        answer = json.loads(body)
    except ValueError:
        return 0.0
    parameters = answer.get("parameters") if isinstance(answer, dict) else None
    value = parameters.get("retry_after") if isinstance(parameters, dict) else None
    return float(value) if isinstance(value, int | float) else 0.0


def _name(error: BaseException) -> str:
    """The class name helps when the message is empty (a reset connection)."""
    return f"aiohttp.{type(error).__name__}: {error}".rstrip(": ")


def _transport_error(error: BaseException) -> NetworkError:
    """python-telegram-bot's kind; the cause (`NotSentError` / `MaybeSentError`) says which."""
    if isinstance(error, TimeoutError):
        return TimedOut(_name(error))
    return NetworkError(_name(error))


def _form(request_data: RequestData) -> aiohttp.FormData:
    """Multipart for uploads: every parameter a field, every file a part."""
    form = aiohttp.FormData()
    for name, value in request_data.json_parameters.items():
        form.add_field(name, value)
    for name, part in (request_data.multipart_data or {}).items():
        filename, content, *rest = part
        mimetype = rest[0] if rest else None
        form.add_field(name, content, filename=filename, content_type=mimetype)
    return form
