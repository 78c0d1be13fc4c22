"""The demo page's web server, by its HTTP behaviour only: routes, the Host check, the headers,
the limits. Real HTTP to the server `newsdesk demo` starts, so these hold for any implementation.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import httpx
import pytest

from sandbox.demo.web import DemoServer
from tests.sandbox.demo.conftest import SAMPLE_TITLES, Demo

CROSS_ORIGIN = {"Origin": "https://evil.example"}


def port(demo: Demo) -> int:
    found = urlsplit(demo.sandbox.url).port
    assert found is not None
    return found


def assert_protected(response: httpx.Response) -> None:
    """The headers every answer carries: a strict CSP, no sniffing, no caching, no CORS."""
    csp = response.headers["content-security-policy"]
    for rule in ("default-src 'none'", "script-src 'self'", "frame-ancestors 'none'"):
        assert rule in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert "no-store" in response.headers["cache-control"]
    assert "access-control-allow-origin" not in response.headers


async def test_the_page_and_its_static_files(demo: Demo) -> None:
    page = await demo.client.get("/", headers=CROSS_ORIGIN)
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert "Example News" in page.text
    assert_protected(page)
    script = await demo.client.get("/static/app.js")
    assert script.status_code == 200
    assert script.headers["content-type"].startswith("text/javascript")
    style = await demo.client.get("/static/style.css")
    assert style.status_code == 200
    assert style.headers["content-type"].startswith("text/css")


async def test_the_state_endpoint_answers_json(demo: Demo) -> None:
    response = await demo.client.get("/api/state", params={"as": "subscriber", "wait": "0"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert_protected(response)
    state = response.json()
    assert {"etag", "count", "chat", "channel"} <= set(state)


@pytest.mark.parametrize(
    "params",
    [{"as": "nobody"}, {"wait": "nan"}, {"wait": "soon"}, {"wait": "inf"}],
    ids=["unknown-persona", "nan", "words", "inf"],
)
async def test_a_bad_state_query_is_a_400(demo: Demo, params: dict[str, str]) -> None:
    response = await demo.client.get("/api/state", params=params)
    assert response.status_code == 400


async def test_unknown_paths_and_methods_are_refused(demo: Demo) -> None:
    assert (await demo.client.get("/no/such/page")).status_code == 404
    assert (await demo.client.head("/")).status_code == 405
    assert (await demo.client.post("/no/such/api", json={})).status_code in (404, 405)
    assert (await demo.client.get("/api/send")).status_code in (404, 405)
    assert (await demo.client.put("/api/send", json={"text": "x"})).status_code == 405
    assert (await demo.client.delete("/")).status_code == 405


@pytest.mark.parametrize(
    "host", ["evil.example", "evil.example:{port}", "127.0.0.1:1", "localhost.evil.example:{port}"]
)
async def test_a_foreign_host_header_is_refused(demo: Demo, host: str) -> None:
    """A page on another site reaching 127.0.0.1 by DNS rebinding sends its own Host."""
    response = await demo.client.get("/", headers={"Host": host.format(port=port(demo))})
    assert response.status_code == 403
    assert "Example News" not in response.text


@pytest.mark.parametrize("name", ["127.0.0.1", "localhost", "LOCALHOST"])
async def test_this_server_is_reachable_by_its_own_names(demo: Demo, name: str) -> None:
    response = await demo.client.get("/", headers={"Host": f"{name}:{port(demo)}"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"],
)
async def test_actions_need_a_json_body(demo: Demo, content_type: str) -> None:
    """What a form on another site can post without a CORS preflight is refused."""
    body = json.dumps({"as": "subscriber", "text": "/start"})
    response = await demo.client.post(
        "/api/send", content=body, headers={"Content-Type": content_type, **CROSS_ORIGIN}
    )
    assert response.status_code == 415
    assert "access-control-allow-origin" not in response.headers


async def test_a_cors_preflight_is_never_granted(demo: Demo) -> None:
    response = await demo.client.options(
        "/api/send",
        headers={
            **CROSS_ORIGIN,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type",
        },
    )
    assert response.status_code >= 400
    assert "access-control-allow-origin" not in response.headers


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        b"[1, 2]",
        b'{"as": "subscriber"}',
        b'{"as": "subscriber", "text": "   "}',
        b'{"as": "nobody", "text": "/start"}',
    ],
    ids=["not-json", "not-an-object", "no-text", "blank-text", "unknown-persona"],
)
async def test_a_bad_message_is_a_400(demo: Demo, body: bytes) -> None:
    response = await demo.client.post(
        "/api/send", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize(
    "body",
    [
        {"as": "subscriber", "where": "elsewhere", "message_id": 1, "data": "x"},
        {"as": "subscriber", "where": "chat", "message_id": "one", "data": "x"},
        {"as": "subscriber", "where": "chat", "message_id": 1, "data": ""},
    ],
    ids=["where", "message-id", "no-data"],
)
async def test_a_bad_press_is_a_400(demo: Demo, body: dict[str, object]) -> None:
    assert (await demo.client.post("/api/press", json=body)).status_code == 400


async def test_a_message_longer_than_telegram_allows_is_a_413(demo: Demo) -> None:
    response = await demo.client.post("/api/send", json={"as": "subscriber", "text": "x" * 4097})
    assert response.status_code == 413


async def test_a_body_over_the_limit_is_a_413(demo: Demo) -> None:
    response = await demo.client.post(
        "/api/send", json={"as": "subscriber", "text": "x", "padding": "y" * 200_000}
    )
    assert response.status_code == 413


async def test_oversized_headers_are_refused(demo: Demo) -> None:
    response = await demo.client.get("/", headers={"X-Padding": "z" * 40_000})
    assert 400 <= response.status_code < 500


async def test_a_valid_message_reaches_the_bot(demo: Demo) -> None:
    response = await demo.client.post("/api/send", json={"as": "subscriber", "text": "/start"})
    assert response.status_code == 200
    assert response.json()["ok"] is True
    await demo.state(until=lambda state: "/start" in state["chat"])


async def test_refusals_are_json_and_carry_the_protective_headers(demo: Demo) -> None:
    """The page's script reads `error` from any refusal; a refusal is no hole in the CSP."""
    refusals = {
        404: await demo.client.get("/no/such/page"),
        405: await demo.client.put("/api/send", json={"text": "x"}),
        403: await demo.client.get("/", headers={"Host": "evil.example"}),
        413: await demo.client.post("/api/send", json={"text": "x", "padding": "y" * 70_000}),
        415: await demo.client.post(
            "/api/send", content=b"x", headers={"Content-Type": "text/plain"}
        ),
    }
    for status, response in refusals.items():
        assert response.status_code == status
        assert response.headers["content-type"].startswith("application/json")
        assert response.json()["ok"] is False
        assert response.json()["error"]
        assert_protected(response)
    assert refusals[405].headers["allow"] == "POST"


async def test_a_streamed_body_over_the_limit_is_a_413(demo: Demo) -> None:
    """A chunked body declares no length up front: the limit holds while it is read."""

    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"as": "subscriber", "text": "x", "padding": "'
        for _ in range(100):
            yield b"y" * 1024
        yield b'"}'

    response = await demo.client.post(
        "/api/send", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert_protected(response)


async def test_too_many_headers_are_refused(demo: Demo) -> None:
    many = {f"X-Header-{n}": "v" for n in range(200)}
    response = await demo.client.get("/", headers=many)
    assert 400 <= response.status_code < 500
    assert "Example News" not in response.text


async def test_a_request_without_a_host_header_is_refused(demo: Demo) -> None:
    """HTTP/1.0 allows leaving Host out; the server cannot then know it was addressed."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port(demo))
    try:
        writer.write(b"GET / HTTP/1.0\r\n\r\n")
        await writer.drain()
        answer = await asyncio.wait_for(reader.read(), 10)
    finally:
        writer.close()
    assert answer.startswith(b"HTTP/1.0 403 ")
    assert b"Example News" not in answer


async def test_it_binds_to_loopback_by_default(demo: Demo) -> None:
    server = DemoServer(demo.sandbox.view)
    await server.start()
    try:
        assert urlsplit(server.url).hostname == "127.0.0.1"
        async with httpx.AsyncClient(base_url=server.url) as client:
            assert (await client.get("/")).status_code == 200
    finally:
        await server.close()


@pytest.fixture
async def second_server(demo: Demo) -> AsyncIterator[DemoServer]:
    """A DemoServer of its own on the demo's view, once every sample post is published, so the
    page's state holds still and a long poll really waits."""
    await demo.state(until=lambda state: state["count"] >= len(SAMPLE_TITLES), within=30)
    server = DemoServer(demo.sandbox.view)
    await server.start()
    try:
        yield server
    finally:
        await server.close()


async def test_close_ends_a_long_poll_in_flight_at_once(second_server: DemoServer) -> None:
    """Ctrl-C with the page open: the page's 20 s long poll must not hold the demo up."""
    async with httpx.AsyncClient(base_url=second_server.url, timeout=30.0) as client:
        etag = (await client.get("/api/state")).json()["etag"]
        poll = asyncio.create_task(client.get("/api/state", params={"etag": etag, "wait": "20"}))
        await asyncio.sleep(0.5)  # the poll reaches the server and waits there
        assert not poll.done(), "the long poll answered although nothing changed"
        started = time.monotonic()
        await second_server.close()
        took = time.monotonic() - started
        with pytest.raises(httpx.TransportError):
            await asyncio.wait_for(poll, 5)
        assert took < 2.0, f"close() took {took:.1f}s with a long poll in flight"
        with pytest.raises(httpx.ConnectError):
            await client.get("/")
