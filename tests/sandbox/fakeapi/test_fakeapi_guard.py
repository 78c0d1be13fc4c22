"""The fake refuses web pages: cross-origin forms, rebinding Hosts, fetch metadata, text/plain.

The demo's token is public, so these are what stands between any web page open in the same
browser and the demo channel. Every request here is real HTTP to a started fake; a refused one
leaves no message and no recorded call. Bot API clients (httpx, python-telegram-bot) pass.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from sandbox.demo.seed import DEMO_TOKEN
from sandbox.fakeapi import FakeTelegram
from sandbox.fakeapi.guard import allowed_hosts
from tests.support import CHANNEL_ID

FORM = {"chat_id": str(CHANNEL_ID), "text": "posted by a web page"}
BROWSER = {
    "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
    "Accept": "text/html,application/xhtml+xml",
}


@pytest.fixture
def demo_fake() -> Iterator[FakeTelegram]:
    """A fake with the demo's public token, as `newsdesk demo` starts it."""
    with FakeTelegram(token=DEMO_TOKEN) as fake:
        fake.add_channel(username="example_news", chat_id=CHANNEL_ID, title="Example News")
        yield fake


def _send(fake: FakeTelegram, **request: Any) -> httpx.Response:
    with httpx.Client(base_url=fake.url, timeout=5.0) as client:
        return client.post(f"/bot{DEMO_TOKEN}/sendMessage", **request)


@pytest.mark.parametrize(
    ("headers", "content"),
    [
        # A cross-origin <form method=post> on some web site.
        (
            BROWSER
            | {
                "Origin": "https://evil.example",
                "Sec-Fetch-Site": "cross-site",
                "Sec-Fetch-Mode": "navigate",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            "chat_id={chat}&text=posted+by+a+web+page",
        ),
        # The same from a browser that sends no fetch metadata; and from a sandboxed frame.
        (
            BROWSER
            | {
                "Origin": "https://evil.example",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            "chat_id={chat}&text=posted+by+a+web+page",
        ),
        (
            BROWSER | {"Origin": "null", "Content-Type": "application/x-www-form-urlencoded"},
            "chat_id={chat}&text=posted+by+a+web+page",
        ),
        # A multipart form from another localhost port: same-site to the browser.
        (
            BROWSER
            | {
                "Origin": "http://127.0.0.1:8000",
                "Sec-Fetch-Site": "same-site",
                "Content-Type": "multipart/form-data; boundary=b",
            },
            '--b\r\nContent-Disposition: form-data; name="chat_id"\r\n\r\n{chat}\r\n'
            '--b\r\nContent-Disposition: form-data; name="text"\r\n\r\nhi\r\n--b--\r\n',
        ),
        # A form with enctype=text/plain, or a "simple" fetch: no Origin in old browsers.
        (BROWSER | {"Content-Type": "text/plain"}, '{{"chat_id": {chat}, "text": "hi"}}'),
        # A page's fetch() carries fetch metadata even where it carries no Origin.
        (
            BROWSER | {"Sec-Fetch-Site": "cross-site", "Content-Type": "application/json"},
            '{{"chat_id": {chat}, "text": "hi"}}',
        ),
        # A Referer is a page's subresource request.
        (
            BROWSER | {"Referer": "https://evil.example/", "Content-Type": "application/json"},
            '{{"chat_id": {chat}, "text": "hi"}}',
        ),
    ],
    ids=[
        "cross-site-form",
        "form-without-fetch-metadata",
        "null-origin",
        "same-site-multipart",
        "text-plain",
        "fetch-metadata-json",
        "referer",
    ],
)
def test_browser_posts_are_refused(
    demo_fake: FakeTelegram, headers: dict[str, str], content: str
) -> None:
    response = _send(demo_fake, headers=headers, content=content.format(chat=CHANNEL_ID))
    assert response.status_code == 403
    assert response.json()["ok"] is False
    assert demo_fake.messages(CHANNEL_ID) == []
    assert demo_fake.calls == []


def test_image_tag_get_is_refused(demo_fake: FakeTelegram) -> None:
    """`<img src=…/sendMessage?…>`: a GET with no Origin but with fetch metadata."""
    with httpx.Client(base_url=demo_fake.url, timeout=5.0) as client:
        response = client.get(
            f"/bot{DEMO_TOKEN}/sendMessage?chat_id={CHANNEL_ID}&text=img",
            headers=BROWSER | {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "no-cors"},
        )
    assert response.status_code == 403
    assert demo_fake.messages(CHANNEL_ID) == []


@pytest.mark.parametrize("host", ["evil.example:{port}", "127.0.0.1", "localhost:1", ""])
def test_rebinding_host_is_refused(demo_fake: FakeTelegram, host: str) -> None:
    port = demo_fake.url.rsplit(":", 1)[1]
    response = _send(demo_fake, headers={"Host": host.format(port=port)}, data=FORM)
    assert response.status_code == 403
    assert demo_fake.messages(CHANNEL_ID) == []


@pytest.mark.parametrize("name", ["127.0.0.1", "localhost", "LOCALHOST"])
def test_bot_api_clients_pass(demo_fake: FakeTelegram, name: str) -> None:
    """What python-telegram-bot sends (a form, multipart or JSON, no browser headers) works."""
    port = demo_fake.url.rsplit(":", 1)[1]
    host = {"Host": f"{name}:{port}"}
    form = _send(demo_fake, headers=host, data=FORM)
    multipart = _send(demo_fake, headers=host, data=FORM, files={"x": ("a.txt", b"a")})
    body = json.dumps({"chat_id": CHANNEL_ID, "text": "json"})
    as_json = _send(demo_fake, headers=host | {"Content-Type": "application/json"}, content=body)
    typed = _send(demo_fake, headers=host | {"Sec-Fetch-Site": "none"}, data=FORM)
    assert [r.status_code for r in (form, multipart, as_json, typed)] == [200] * 4
    assert len(demo_fake.messages(CHANNEL_ID)) == 4


def test_allowed_hosts_name_the_bound_address() -> None:
    assert allowed_hosts("::1", 81) == {"127.0.0.1:81", "localhost:81", "[::1]:81"}
    assert "10.0.0.5:81" in allowed_hosts("10.0.0.5", 81)
