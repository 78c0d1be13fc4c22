"""Throughput of the subscriber handlers with the store versus the same handlers without it.

20,000 updates — /latest and /favorites from 5,000 users — go through the real
`Application` (its Defaults, rate limiter and concurrency) with an in-memory request object, so
no sockets are involved. The "store" variant runs the real handlers on a real SQLite file; the
"bare" variant runs handlers that render the same views and make the same Bot API calls from
in-memory data. Each variant runs in its own process (clean peak memory); the ratio store/bare
is the figure that matters (target ≥ 0.8: the store is not the bottleneck).

⭐ presses no longer go through python-telegram-bot's handlers (`bot.serving.Intake` answers
them from the raw update through the answer lane, over real HTTP); `bench/burst.py` measures
them, with their store, against a bare aiogram bot.

    .venv/bin/python bench/updates.py [--updates 20000] [--rounds 2]

Last line: key=value figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from telegram import Update
from telegram.ext import CommandHandler, TypeHandler
from telegram.request import BaseRequest, RequestData

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.app import build_application  # noqa: E402
from bot.config import parse_settings  # noqa: E402
from bot.context import Context, NewsdeskApp  # noqa: E402
from bot.domain import Article, ArticleDraft  # noqa: E402
from bot.subscribers import (  # noqa: E402
    FloodGuard,
    views,
)
from bot.subscribers.pages import Page  # noqa: E402
from handlers.fallback import GATE_GROUP  # noqa: E402
from storage.articles import to_db_time  # noqa: E402

TOKEN = "123456:BENCH-token"
BOT = {"id": 123456, "is_bot": True, "first_name": "Newsdesk", "username": "newsdesk_bot"}
ARTICLES = 200
USERS = 5_000


class InMemoryRequest(BaseRequest):
    """Answers the Bot API calls the handlers make, counting the answers to updates."""

    def __init__(self) -> None:
        self.answered = 0
        self.target = 0
        self.done = asyncio.Event()
        self._message_id = 0

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    @property
    def read_timeout(self) -> float | None:
        """No network, no timeout."""
        return None

    async def do_request(
        self, url: str, method: str, request_data: RequestData | None = None, *_: Any, **__: Any
    ) -> tuple[int, bytes]:
        """Answer like Telegram would, without leaving the process."""
        name = url.rsplit("/", 1)[-1]
        params = request_data.parameters if request_data is not None else {}
        result: Any = True
        if name == "getMe":
            result = BOT
        elif name in ("sendMessage", "editMessageText"):
            self._message_id += 1
            chat = {"id": int(params["chat_id"]), "type": "private", "first_name": "U"}
            result = {"message_id": self._message_id, "date": 0, "chat": chat, "text": "x"}
        if name in ("sendMessage", "answerCallbackQuery", "editMessageText"):
            self.answered += 1
            if self.answered >= self.target:
                self.done.set()
        return 200, json.dumps({"ok": True, "result": result}).encode()


def make_updates(count: int, seed: int = 7) -> list[dict[str, Any]]:
    """/latest (50%) and /favorites (50%) from USERS users, in random order."""
    rng = random.Random(seed)
    updates: list[dict[str, Any]] = []
    for update_id in range(1, count + 1):
        user = {"id": 100_000 + rng.randrange(USERS), "is_bot": False, "first_name": "U"}
        user["language_code"] = rng.choice(["en", "ar"])
        command = "/latest" if rng.random() < 0.5 else "/favorites"
        chat = {"id": user["id"], "type": "private", "first_name": "U"}
        message = {
            "message_id": update_id,
            "date": int(time.time()),
            "chat": chat,
            "from": user,
            "text": command,
            "entities": [{"type": "bot_command", "offset": 0, "length": len(command)}],
        }
        updates.append({"update_id": update_id, "message": message})
    return updates


def sample_articles() -> list[Article]:
    """Articles like the store's, for the bare handlers to render."""
    now = datetime.now(UTC)
    return [
        Article(
            id=n,
            guid=f"b-{n}",
            url=f"https://news.example/{n}",
            title=f"Bench headline number {n} about the economy",
            category="Economy",
            published_at=now - timedelta(minutes=n),
            created_at=now,
            updated_at=now,
        )
        for n in range(1, 12)
    ]


def bare_handlers(guard: FloodGuard) -> list[Any]:
    """The same Bot API calls and rendering as the real handlers, from memory."""
    articles = sample_articles()

    async def gate(update: Update, context: Context) -> None:
        if update.effective_user is not None:
            guard.check(update.effective_user.id)

    async def listing(update: Update, context: Context) -> None:
        assert update.effective_message is not None
        ctx = views.ListContext("en", UTC, "newsdesk_bot")
        if update.effective_message.text == "/latest":
            reply = views.latest_reply(Page(articles[:10], 0, True), None, ctx)
        else:  # a reader here has saved a couple of stories
            reply = views.favorites_reply(Page(articles[:2], 0, False), ctx, "@example_news")
        await update.effective_message.reply_text(reply.text, reply_markup=reply.keyboard)

    return [
        (TypeHandler(Update, gate), GATE_GROUP),
        (CommandHandler(["latest", "favorites"], listing, block=False), 0),
    ]


async def seed(app: NewsdeskApp) -> None:
    """ARTICLES posted articles (the deliveries row is what the publisher writes)."""
    services = app.bot_data.services
    now = datetime.now(UTC)
    drafts = [
        ArticleDraft(
            guid=f"bench-{n}",
            url=f"https://news.example/{n}",
            title=f"Bench headline number {n} about the economy",
            category=["Economy", "Sports", "World"][n % 3],
            summary="A summary sentence for the bench.",
            published_at=now - timedelta(minutes=n),
        )
        for n in range(ARTICLES)
    ]
    results = await services.articles.store(drafts)
    async with services.db.write() as conn:
        await conn.executemany(
            "INSERT INTO deliveries (article_id, state, updated_at) VALUES ($1, 'posted', $2)",
            [(r.article.id, to_db_time(now)) for r in results],
        )


async def run_variant(variant: str, count: int) -> dict[str, float]:
    """Push `count` updates through one variant; return its figures."""
    with tempfile.TemporaryDirectory() as folder:
        settings = parse_settings(
            {
                "telegram": {
                    "token": TOKEN,
                    "channel": "@example_news",
                    "admins": [4242],
                    "max_requests_per_second": 10_000,
                },
                "storage": {"path": str(Path(folder) / "bench.sqlite3")},
                "publishing": {"enabled": False},
            }
        )
        request = InMemoryRequest()
        app = build_application(settings, request=request, get_updates_request=InMemoryRequest())
        if variant != "store":
            app.handlers.clear()  # the same Bot API calls, through handlers that skip the store
            for handler, group in bare_handlers(FloodGuard()):
                app.add_handler(handler, group=group)
        await app.initialize()
        assert app.post_init is not None
        await app.post_init(app)
        await seed(app)
        await app.start()
        raw = make_updates(count)
        request.target = count
        started = time.perf_counter()
        for data in raw:
            await app.update_queue.put(Update.de_json(data, app.bot))
        await asyncio.wait_for(request.done.wait(), timeout=600)
        elapsed = time.perf_counter() - started
        await app.stop()
        assert app.post_shutdown is not None
        await app.post_shutdown(app)
        await app.shutdown()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"updates_per_s": count / elapsed, "peak_rss_mb": peak_mb}


def main() -> None:
    """Run both variants in child processes, alternating, and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--updates", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--variant", choices=["store", "bare"])
    args = parser.parse_args()
    if args.variant:
        figures = asyncio.run(run_variant(args.variant, args.updates))
        print(" ".join(f"{k}={v:.1f}" for k, v in figures.items()))
        return
    best: dict[str, dict[str, float]] = {}
    for _ in range(args.rounds):
        for variant in ("bare", "store"):
            done = subprocess.run(
                [sys.executable, __file__, "--variant", variant, "--updates", str(args.updates)],
                capture_output=True,
                text=True,
                check=True,
            )
            line = done.stdout.strip().splitlines()[-1]
            figures = {k: float(v) for k, v in (p.split("=") for p in line.split())}
            print(f"{variant}: {line}")
            if figures["updates_per_s"] > best.get(variant, {}).get("updates_per_s", 0):
                best[variant] = figures
    ratio = best["store"]["updates_per_s"] / best["bare"]["updates_per_s"]
    print(
        f"updates={args.updates} store_updates_per_s={best['store']['updates_per_s']:.0f} "
        f"bare_updates_per_s={best['bare']['updates_per_s']:.0f} ratio={ratio:.2f} "
        f"store_peak_rss_mb={best['store']['peak_rss_mb']:.0f} "
        f"bare_peak_rss_mb={best['bare']['peak_rss_mb']:.0f}"
    )


if __name__ == "__main__":
    main()
