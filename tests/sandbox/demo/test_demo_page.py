"""The sandbox's page over HTTP: seeded posts, the chat pane, ⭐ and /favorites, breaking news.

Everything goes through the page's endpoints, as its script does; the bot is the real one.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Callable
from typing import Any

import pytest

from bot.subscribers.news import NewsQueryService
from bot.subscribers.pages import PAGE_SIZE
from tests.sandbox.demo.conftest import SAMPLE_TITLES, Demo, bubble_with, buttons
from tests.support import wait_until

ALL_POSTED = len(SAMPLE_TITLES)


def _posted(count: int = ALL_POSTED) -> Callable[[dict[str, Any]], bool]:
    return lambda state: state["count"] >= count


async def test_the_page_shows_the_seeded_posts_as_a_subscriber_sees_them(demo: Demo) -> None:
    state = await demo.state(until=_posted(), within=30)
    assert state["count"] == ALL_POSTED
    page = (await demo.client.get("/")).text  # server-rendered: no script needed to see them
    for title in SAMPLE_TITLES:
        assert title in page, title
    assert "<500>" not in page  # the headline's brackets are text, not markup
    arabic = bubble_with(page, "مهرجان الكتاب")
    assert '<div class="text" dir="auto"><b>مهرجان الكتاب' in arabic
    assert '<span class="hashtag">#ثقافة</span>' in arabic
    assert 'src="https://media.news.example/photos/book-fair.jpg"' in arabic
    assert 'alt="مهرجان الكتاب يفتح أبوابه بمشاركة 300 دار نشر"' in arabic
    assert 'class="photo-fallback"' in arabic  # what shows when the photo cannot load
    assert [b.data for b in buttons(arabic)] == ["fav:3"]
    assert 'href="https://news.example/ar/culture/book-fair"' in arabic  # Read more
    assert "🔕" in arabic  # routine posts go out silently; the editor can see it
    assert page.count("<script") == 1  # only the page's own script, nothing from articles


async def test_latest_typed_in_the_chat_pane_returns_the_list(demo: Demo) -> None:
    await demo.state(until=_posted(), within=30)
    # The fake shows a post before the publisher commits it; /latest lists what is committed.
    news = demo.sandbox.app.bot_data.services.subscribers.news
    await wait_until(lambda: _all_listed(news), what="every sample post committed", deadline=30)
    await demo.send("subscriber", "/latest")
    state = await demo.state(until=lambda s: "Latest news" in s["chat"])
    reply = bubble_with(state["chat"], "Latest news")
    assert '<div class="msg-wrap in"' in reply  # the bot's answer, on the bot's side
    for title in SAMPLE_TITLES:
        assert title in reply, title
    assert bubble_with(state["chat"], "/latest").startswith('<div class="msg-wrap out"')


async def _all_listed(news: NewsQueryService) -> bool:
    page = await news.latest(0)
    return len(page.items) >= min(ALL_POSTED, PAGE_SIZE)


async def test_star_on_a_channel_post_then_favorites_shows_it(demo: Demo) -> None:
    title = "Heatwave warning: temperatures to reach 41 °C this weekend"
    state = await demo.state(until=lambda s: title in s["channel"], within=30)
    (star,) = buttons(bubble_with(state["channel"], title))
    assert star.where == "channel"
    answer = await demo.press("subscriber", star)
    assert "Saved" in answer["text"]  # the toast
    await demo.send("subscriber", "/favorites")
    state = await demo.state(until=lambda s: "/favorites" in s["chat"] and title in s["chat"])
    saved = bubble_with(state["chat"], title)
    assert "msg-wrap in" in saved
    # The editor's own chat is separate: nothing was saved there.
    assert title not in (await demo.state("admin"))["chat"]


@pytest.mark.skipif(
    importlib.util.find_spec("handlers.breaking") is None,
    reason="the admin features (handlers/breaking.py) do not exist yet",
)
async def test_breaking_from_the_editor_is_published_and_pinned(demo: Demo) -> None:
    headline = "Bridge closed after lorry fire"
    await demo.state(until=_posted(1), within=30)
    await demo.send("admin", f"/breaking {headline}")
    state = await demo.state(
        "admin", until=lambda s: headline in s["chat"] and "Publish" in s["chat"], within=10
    )
    preview = bubble_with(state["chat"], "Publish")
    (publish,) = [b for b in buttons(preview) if "Publish" in b.label]
    assert publish.where == "chat"
    await demo.press("admin", publish)
    state = await demo.state(
        "admin", until=lambda s: headline in s["pinned"] and headline in s["channel"], within=10
    )
    post = bubble_with(state["channel"], headline)
    assert re.search(r'class="msg in[^"]*\bpinned\b', post)
    assert "📌" in post
    assert "🔕" not in post  # breaking news is never silent
    assert "Pinned message" in state["pinned"]


async def test_the_page_refuses_what_a_foreign_site_could_send(demo: Demo) -> None:
    # DNS rebinding: a page from elsewhere reaching 127.0.0.1 under its own host name.
    foreign = await demo.client.get("/", headers={"Host": "attacker.example"})
    assert foreign.status_code == 403
    # A cross-site form post cannot set a JSON content type without a preflight.
    form = await demo.client.post("/api/send", data={"as": "subscriber", "text": "/latest"})
    assert form.status_code == 415
    unknown = await demo.client.post("/api/send", json={"as": "root", "text": "/latest"})
    assert unknown.status_code == 400
    too_long = await demo.client.post("/api/send", json={"as": "admin", "text": "x" * 4097})
    assert too_long.status_code == 413
    bad_wait = await demo.client.get("/api/state", params={"wait": "nan"})
    assert bad_wait.status_code == 400
    headers = (await demo.client.get("/")).headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert demo.sandbox.fake.messages(demo.sandbox.settings.telegram.admins[0]) == []


async def test_the_state_shows_both_editions_posts(demo: Demo) -> None:
    ar_posts = 2  # the samples in Arabic, which the Arabic edition takes
    state = await demo.state(
        until=lambda s: s["count"] >= ALL_POSTED and s["editions"][1]["count"] >= ar_posts,
        within=30,
    )
    site, arabic = state["editions"]
    assert (site["handle"], arabic["handle"]) == ("@example_news", "@example_news_ar")
    assert site["count"] == ALL_POSTED and arabic["count"] == ar_posts
    assert "مهرجان الكتاب" in arabic["html"] and "مهرجان الكتاب" in site["html"]
    english_only = [t for t in SAMPLE_TITLES if not any("\u0600" <= c <= "\u06ff" for c in t)]
    assert english_only and all(t in site["html"] for t in english_only)
    assert not any(t in arabic["html"] for t in english_only)


async def test_the_page_switches_editions_and_a_star_works_in_the_arabic_one(demo: Demo) -> None:
    title = "مهرجان الكتاب"
    state = await demo.state(until=lambda s: title in s["editions"][1]["html"], within=30)
    page = (await demo.client.get("/")).text
    assert 'data-edition="0" aria-pressed="true">@example_news<' in page
    assert 'data-edition="1" aria-pressed="false">@example_news_ar<' in page
    (star,) = buttons(bubble_with(state["editions"][1]["html"], title))
    answer = await demo.press("subscriber", star, edition=1)  # under the Arabic edition's post
    assert "Saved" in answer["text"] or "حُفظ" in answer["text"]
    await demo.send("subscriber", "/favorites")
    await demo.state(until=lambda s: "/favorites" in s["chat"] and title in s["chat"])
    missing = await demo.client.post(
        "/api/press",
        json={"edition": 7, "where": "channel", "message_id": star.message_id, "data": star.data},
    )
    assert missing.status_code == 400
