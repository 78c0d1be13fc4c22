"""The demo sandbox, started in the test's event loop, and a client that drives its page.

The sandbox is the one `newsdesk demo` runs (the double, a seeded temporary store, the real
bot, the web server); the client uses only the page's own HTTP endpoints, as the page's script
does. Waiting is the page's own long poll with a deadline, never a sleep.
"""

from __future__ import annotations

import re
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest

from sandbox.demo import Sandbox, open_sandbox
from tests.support import HandlerErrors, wait_until

SAMPLE_TITLES = [
    "Russia, North Korea Strengthen Ties in Pyongyang Meeting",  # the site's sample page
    "City council approves new tram line to the airport",
    "مهرجان الكتاب يفتح أبوابه بمشاركة 300 دار نشر",
    "Heatwave warning: temperatures to reach 41 °C this weekend",
    "Markets close higher as energy prices ease",
    "منتخب الشباب يتأهل إلى نهائي البطولة الإقليمية",
    # As the page must show it: escaped, never as markup.
    "Researchers map &lt;500&gt; coral species &amp; find 12 new ones",
]
_WRAP = re.compile(r'<div class="msg-wrap ')
_BUTTON = re.compile(r'data-where="(\w+)" data-mid="(\d+)" data-cb="([^"]+)">([^<]*)</button>')


@dataclass(frozen=True)
class Button:
    """An inline button as the page shows it."""

    where: str
    message_id: int
    data: str
    label: str


def bubbles(html: str) -> list[str]:
    """The pane's HTML cut into one piece per message."""
    return [f'<div class="msg-wrap {part}' for part in _WRAP.split(html)[1:]]


def buttons(bubble: str) -> list[Button]:
    """The callback buttons of one message."""
    return [Button(w, int(m), d, label) for w, m, d, label in _BUTTON.findall(bubble)]


def bubble_with(html: str, text: str) -> str:
    """The one message of a pane that contains `text`."""
    found = [b for b in bubbles(html) if text in b]
    assert found, f"no message with {text!r} in the pane"
    return found[-1]


@dataclass
class Demo:
    """A running sandbox and an HTTP client for its page."""

    sandbox: Sandbox
    client: httpx.AsyncClient

    async def state(
        self,
        persona: str = "subscriber",
        until: Callable[[dict[str, Any]], bool] = lambda _state: True,
        within: float = 15.0,
    ) -> dict[str, Any]:
        """The page's state once `until` holds, waiting with the page's long poll."""
        end = time.monotonic() + within
        last: dict[str, Any] = {"etag": ""}

        async def poll() -> dict[str, Any] | None:
            remaining = end - time.monotonic()
            response = await self.client.get(
                "/api/state",
                params={"as": persona, "etag": last["etag"], "wait": f"{max(remaining, 0):.2f}"},
            )
            response.raise_for_status()
            state: dict[str, Any] = response.json()
            last.update(state)
            return state if until(state) else None

        return await wait_until(
            poll,
            within,
            lambda: (
                f"the page never got there: {last['count']} channel posts, "
                f"pinned {last['pinned']!r}, chat ends {last['chat'][-1500:]!r}"
            ),
        )

    async def send(self, persona: str, text: str) -> None:
        """Type `text` into the chat pane as `persona`."""
        response = await self.client.post("/api/send", json={"as": persona, "text": text})
        assert response.status_code == 200, response.text

    async def press(self, persona: str, button: Button, edition: int = 0) -> dict[str, Any]:
        """Press a button as `persona` (in edition `edition`'s channel); the toast, if any."""
        response = await self.client.post(
            "/api/press",
            json={
                "as": persona,
                "edition": edition,
                "where": button.where,
                "message_id": button.message_id,
                "data": button.data,
            },
        )
        assert response.status_code == 200, response.text
        answer: dict[str, Any] = response.json()["answer"] or {}
        return answer


@pytest.fixture
async def demo() -> AsyncIterator[Demo]:
    """The sandbox on a free port; a handler that crashes fails the test."""
    errors = HandlerErrors()
    async with (
        open_sandbox(port=0, error_handlers=(errors,)) as sandbox,
        httpx.AsyncClient(base_url=sandbox.url, timeout=30.0) as client,
    ):
        yield Demo(sandbox, client)
    errors.reraise()
