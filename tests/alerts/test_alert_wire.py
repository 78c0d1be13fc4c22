"""The alerts' lean send path over real HTTP: what it sends, what each answer means, and
whether a failed request may have reached Telegram (not sent / maybe sent)."""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import ssl
import struct
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest
from telegram import Bot

from bot.alerts.message import AlertMessage
from bot.alerts.poster import JsonPoster
from bot.alerts.sender import LeanSender, PtbSender, open_sender
from bot.domain import Article, Outcome, Recipient
from bot.domain.errors import (
    AlertRetryLaterError,
    AlertTryAgainError,
    MaybeSentError,
    NotSentError,
)
from sandbox.fakeapi import FakeTelegram, Fault
from tests.alerts.test_alerts import open_private_chats
from tests.support import TOKEN as TEST_TOKEN
from tests.support import StartAdmin

READERS = range(30_001, 30_011)
NOW = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
ARTICLE = Article(
    id=7,
    guid="g-7",
    title='Storm & "surge" <warning>',
    summary="Evacuate the coast — ünïcödé, عربي.",
    published_at=NOW,
    created_at=NOW,
    updated_at=NOW,
)


def lean(bot: Bot) -> LeanSender:
    sender = open_sender(bot, 4)
    assert isinstance(sender, LeanSender)  # the app's default transport: the lean path
    return sender


async def test_lean_path_sends_exactly_what_ptb_sends(
    fake: FakeTelegram, admin_bot: StartAdmin
) -> None:
    open_private_chats(fake, READERS)
    async with admin_bot() as running:
        message = AlertMessage(ARTICLE, "https://t.me/example_news/5")
        sender = lean(running.app.bot)
        for user_id, language in ((READERS[0], "en"), (READERS[2], "ar")):
            by_bot = await PtbSender(running.app.bot).send(Recipient(user_id, language), message)
            assert by_bot == Outcome(user_id, "sent")
            lean_id = user_id + 1
            assert await sender.send(Recipient(lean_id, language), message) == (
                Outcome(lean_id, "sent")
            )
            by_ptb, by_lean = (
                next(c for c in fake.calls_of("sendMessage") if c.params["chat_id"] == chat)
                for chat in (user_id, lean_id)
            )
            assert {**by_ptb.params, "chat_id": 0} == {**by_lean.params, "chat_id": 0}
            assert by_lean.ok
        await sender.close()


async def test_lean_path_reads_every_kind_of_answer(
    fake: FakeTelegram, admin_bot: StartAdmin
) -> None:
    open_private_chats(fake, READERS)
    fake.block(READERS[0])
    async with admin_bot() as running:
        message = AlertMessage(ARTICLE, None)
        sender = lean(running.app.bot)

        async def send(user_id: int) -> Outcome:
            return await sender.send(Recipient(user_id, "en"), message)

        blocked = await send(READERS[0])  # 403: blocked the bot
        assert blocked.state == "blocked" and "blocked" in (blocked.error or "")
        gone = await send(99_999)  # Telegram knows no chat with them
        assert gone.state == "blocked" and "chat not found" in (gone.error or "").lower()

        fake.fail_next("sendMessage", Fault.retry_after(7))
        with pytest.raises(AlertRetryLaterError) as held:
            await send(READERS[1])
        assert held.value.seconds == 7

        fake.fail_next("sendMessage", Fault.server_error(502))
        with pytest.raises(AlertTryAgainError):
            await send(READERS[1])

        fake.fail_next("sendMessage", Fault.bad_request("Bad Request: message is too long"))
        failed = await send(READERS[1])
        assert failed.state == "failed" and "too long" in (failed.error or "")

        fake.fail_next("sendMessage", Fault.drop_connection(applied=True))
        dropped = await send(READERS[2])  # written, then no answer: it may have gone out
        assert dropped.state == "uncertain"

        assert await send(READERS[3]) == Outcome(READERS[3], "sent")  # the pool recovered
        for outcome in (blocked, gone, failed, dropped):
            assert TEST_TOKEN not in (outcome.error or "")
        await sender.close()


async def test_poster_says_whether_a_request_may_have_gone_out(fake: FakeTelegram) -> None:
    url = f"{fake.base_url}{TEST_TOKEN}/sendMessage"
    refused = JsonPoster("http://127.0.0.1:9/bot123:x/sendMessage", max_connections=1, timeout=2)
    with pytest.raises(NotSentError) as not_sent:
        await refused.post(b"{}")
    assert "123:x" not in str(not_sent.value)
    await refused.close()

    slow = JsonPoster(url, max_connections=1, timeout=0.3)
    fake.fail_next("sendMessage", Fault.timeout(5))
    with pytest.raises(MaybeSentError) as maybe:
        await slow.post(b'{"chat_id": 1, "text": "x"}')
    assert TEST_TOKEN not in str(maybe.value)
    answer = await slow.post(b'{"chat_id": 1, "text": "x"}')  # a fresh connection
    assert answer.status in (400, 403) and b'"ok":false' in answer.body.replace(b" ", b"")
    await slow.close()


async def test_poster_not_sent_when_the_connection_never_opens() -> None:
    """A server that accepts TCP but never finishes the TLS handshake: nothing was written."""
    accepted: list[asyncio.StreamWriter] = []

    async def hold(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        accepted.append(writer)  # never answers the ClientHello

    server = await asyncio.start_server(hold, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    url = f"https://127.0.0.1:{port}/bot{TEST_TOKEN}/sendMessage"
    poster = JsonPoster(url, max_connections=1, timeout=5, connect_timeout=0.3)
    try:
        with pytest.raises(NotSentError) as not_sent:
            await poster.post(b'{"chat_id":1}')
        assert "connecting" in str(not_sent.value)
        assert TEST_TOKEN not in str(not_sent.value)
    finally:
        await poster.close()
        for writer in accepted:
            writer.close()
        server.close()


async def test_poster_maybe_sent_when_reset_after_the_body() -> None:
    """The whole request arrived, then the connection was reset: it may have gone out."""
    received: list[bytes] = []

    async def reset(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
        received.append(await reader.readexactly(length))
        sock = writer.get_extra_info("socket")
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        writer.transport.abort()  # RST, no answer

    server = await asyncio.start_server(reset, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    poster = JsonPoster(f"http://127.0.0.1:{port}/bot{TEST_TOKEN}/sendMessage", max_connections=1,
                        timeout=5)  # fmt: skip
    try:
        with pytest.raises(MaybeSentError) as maybe:
            await poster.post(b'{"chat_id":1}')
        assert received == [b'{"chat_id":1}']
        assert TEST_TOKEN not in str(maybe.value)
    finally:
        await poster.close()
        server.close()


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate and key for localhost."""
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost",
         "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


async def test_poster_speaks_tls_and_reads_chunked_answers(certificate: tuple[Path, Path]) -> None:
    """Telegram is HTTPS: a local TLS server (trusted for this test only) answers chunked."""
    cert, key = certificate
    server_side = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_side.load_cert_chain(cert, key)
    seen: list[bytes] = []
    connections = 0

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        nonlocal connections
        connections += 1
        while head := await reader.readuntil(b"\r\n\r\n"):
            length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
            seen.append(head + await reader.readexactly(length))
            writer.write(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                b"Transfer-Encoding: chunked\r\n\r\n"
                b'6\r\n{"ok":\r\n9\r\ntrue,"res\r\nc\r\nult":true}  \r\n0\r\n\r\n'
            )
            await writer.drain()

    server = await asyncio.start_server(serve, "127.0.0.1", 0, ssl=server_side)
    port = server.sockets[0].getsockname()[1]
    client_side = ssl.create_default_context(cafile=str(cert))
    url = f"https://localhost:{port}/bot{TEST_TOKEN}/sendMessage"
    poster = JsonPoster(url, max_connections=2, timeout=5, ssl_context=client_side)
    try:
        for n in range(3):
            answer = await poster.post(b'{"chat_id":%d}' % n)
            assert answer.status == 200
            assert json.loads(answer.body) == {"ok": True, "result": True}
        assert connections == 1  # kept alive and reused
        assert seen[0].startswith(f"POST /bot{TEST_TOKEN}/sendMessage HTTP/1.1\r\n".encode())
        assert f"Host: localhost:{port}\r\n".encode() in seen[0]
        assert seen[2].endswith(b'\r\n\r\n{"chat_id":2}')
        untrusting = JsonPoster(url, max_connections=1, timeout=5)
        with pytest.raises(NotSentError):  # certifi's roots do not trust a self-signed certificate
            await untrusting.post(b"{}")
        await untrusting.close()
    finally:
        await poster.close()
        server.close()
