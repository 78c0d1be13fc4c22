"""The demo page's web server, by its HTTP behaviour only: routes, the Host check, the headers,
the limits. Real HTTP to the server `newsdesk demo` starts, so these hold for any implementation.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import httpx
import pytest

from tests.sandbox.demo.conftest import Demo

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
