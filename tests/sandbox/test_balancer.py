"""sandbox/balancer.py: one URL, requests to each target in turn, 502 for one that is gone."""

from __future__ import annotations

import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import aiohttp
from aiohttp import web

from bot.webhook.server import SECRET_HEADER
from sandbox.balancer import RoundRobin


@asynccontextmanager
async def target(name: str, seen: list[tuple[str, str, bytes]]) -> AsyncIterator[str]:
    """A webhook receiver answering with a Bot API call naming itself; its URL."""

    async def receive(request: web.Request) -> web.Response:
        seen.append((name, request.headers.get(SECRET_HEADER, ""), await request.read()))
        return web.json_response(
            {"method": "answerCallbackQuery", "text": name}, headers={"Retry-After": "3"}
        )

    app = web.Application()
    app.router.add_post("/telegram", receive)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        yield f"http://127.0.0.1:{runner.addresses[0][1]}/telegram"
    finally:
        await runner.cleanup()


def closed_port_url() -> str:
    """A loopback URL nothing listens on (a worker that was killed)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{sock.getsockname()[1]}/telegram"


async def post(url: str, body: bytes) -> tuple[int, str, str | None]:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            url,
            data=body,
            headers={"Content-Type": "application/json", SECRET_HEADER: "sec_ret"},
        ) as response,
    ):
        return response.status, await response.text(), response.headers.get("Retry-After")


async def test_requests_go_to_each_target_in_turn_with_body_secret_and_answer() -> None:
    seen: list[tuple[str, str, bytes]] = []
    async with (
        target("a", seen) as a,
        target("b", seen) as b,
        RoundRobin([a, b]) as balancer,
    ):
        answers = [await post(balancer.url, f'{{"update_id": {n}}}'.encode()) for n in range(4)]
    assert [name for name, _, _ in seen] == ["a", "b", "a", "b"]
    assert {secret for _, secret, _ in seen} == {"sec_ret"}
    assert [body for _, _, body in seen] == [f'{{"update_id": {n}}}'.encode() for n in range(4)]
    assert [(status, retry) for status, _, retry in answers] == [(200, "3")] * 4
    assert '"text": "b"' in answers[1][1]  # the target's reply, Bot API call and all
    assert balancer.answered == {a: 2, b: 2}
    assert not balancer.failed
    assert not +balancer.in_flight  # every request finished


async def test_a_dead_target_s_share_is_answered_502_and_the_live_one_serves_the_rest() -> None:
    seen: list[tuple[str, str, bytes]] = []
    dead = closed_port_url()
    async with target("live", seen) as live, RoundRobin([live, dead]) as balancer:
        statuses = [(await post(balancer.url, b'{"update_id": 1}'))[0] for _ in range(4)]
    assert statuses == [200, 502, 200, 502]
    assert len(seen) == 2
    assert balancer.answered == {live: 2}
    assert balancer.failed == {dead: 2}
