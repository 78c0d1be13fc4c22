"""Throughput of the subscriber handlers with the store versus the same handlers without it.

20,000 updates — /latest and /favorites from 5,000 users — go through the real
`Application` (its Defaults, rate limiter and concurrency) with an in-memory request object, so
no sockets are involved. The "store" variant runs the real handlers on a real SQLite file; the
"bare" variant runs handlers that render the same views and make the same Bot API calls from
in-memory data. Each variant runs in its own process (clean peak memory); the ratio store/bare
is the figure that matters (target ≥ 0.8 on SQLite, ≥ 0.7 on PostgreSQL: the store is not the
bottleneck).

⭐ presses no longer go through python-telegram-bot's handlers (`bot.serving.Intake` answers
them from the raw update through the answer lane, over real HTTP); `bench/burst.py` measures
them, with their store, against a bare aiogram bot.

    .venv/bin/python bench/updates.py [--updates 20000] [--rounds 2]
    .venv/bin/python bench/updates.py --store postgresql://postgres@127.0.0.1/newsdesk_bench

With `--store postgresql://…` the "store" variant runs on PostgreSQL: each of its runs gets a
database of its own on that server (the URL's name with `_updates_<pid>` added, created, then
dropped after the run; the database the URL names is never touched), migrated by the bot as
it starts. The "bare" variant needs no store either way. Beside updates/s, each variant reports
its own process's CPU per update (`cpu_ms`), and on PostgreSQL the CPU its server spent for it
(`server_cpu_ms`: the backends of the run's database, read from /proc; the server must be on
this machine) — the server works for the store variant outside this process.

Last line: key=value figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

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


def scratch_url(url: str) -> str:
    """The URL of this run's own database on the server `url` names."""
    server = urlsplit(url)
    return server._replace(path=f"{server.path}_updates_{os.getpid()}").geturl()


async def on_server(url: str, statement: str) -> None:
    """Run one statement on the server's maintenance database (CREATE / DROP DATABASE)."""
    import asyncpg  # only the PostgreSQL path needs it

    conn = await asyncpg.connect(urlsplit(url)._replace(path="/postgres").geturl())
    try:
        await conn.execute(statement)
    finally:
        await conn.close()


def cpu_seconds(pids: Iterable[int]) -> dict[int, float]:
    """User + system CPU of each process, from /proc (a process gone counts nothing)."""
    tick = os.sysconf("SC_CLK_TCK")
    found = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except (FileNotFoundError, ProcessLookupError):
            continue
        found[pid] = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return found


async def backends(app: NewsdeskApp) -> list[int]:
    """The server processes serving the bot's pool (its database is the run's own)."""
    rows = await app.bot_data.services.db.store.fetch(
        "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
    )
    return [int(row[0]) for row in rows]


def own_cpu() -> float:
    """This process's user + system CPU so far, in seconds."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def run_variant(variant: str, count: int, store: str | None) -> dict[str, float]:
    """Push `count` updates through one variant; return its figures."""
    postgres = variant == "store" and store is not None
    with tempfile.TemporaryDirectory() as folder:
        storage: dict[str, str] = {"path": str(Path(folder) / "bench.sqlite3")}
        if postgres:
            assert store is not None
            storage = {"url": scratch_url(store)}
            name = urlsplit(storage["url"]).path.lstrip("/")
            await on_server(store, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await on_server(store, f'CREATE DATABASE "{name}"')
        try:
            return await _run(variant, count, storage, postgres=postgres)
        finally:
            if postgres:
                assert store is not None
                await on_server(store, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _run(
    variant: str, count: int, storage: dict[str, str], *, postgres: bool
) -> dict[str, float]:
    """One variant on the store `storage` names (a `[storage]` table)."""
    settings = parse_settings(
        {
            "telegram": {
                "token": TOKEN,
                "channel": "@example_news",
                "admins": [4242],
                "max_requests_per_second": 10_000,
            },
            "storage": storage,
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
    server_before = cpu_seconds(await backends(app)) if postgres else {}
    cpu_before = own_cpu()
    started = time.perf_counter()
    for data in raw:
        await app.update_queue.put(Update.de_json(data, app.bot))
    await asyncio.wait_for(request.done.wait(), timeout=600)
    elapsed = time.perf_counter() - started
    cpu = own_cpu() - cpu_before
    figures = {"updates_per_s": count / elapsed, "cpu_ms": 1000 * cpu / count}
    if postgres:
        server_after = cpu_seconds(await backends(app))
        spent = sum(t - server_before.get(pid, 0.0) for pid, t in server_after.items())
        figures["server_cpu_ms"] = 1000 * spent / count
    await app.stop()
    assert app.post_shutdown is not None
    await app.post_shutdown(app)
    await app.shutdown()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return figures | {"peak_rss_mb": peak_mb}


def main() -> None:
    """Run both variants in child processes, alternating, and print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--updates", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--variant", choices=["store", "bare"])
    parser.add_argument("--store", help="postgresql://… (default: a SQLite file in a temp dir)")
    args = parser.parse_args()
    if args.variant:
        figures = asyncio.run(run_variant(args.variant, args.updates, args.store))
        print(" ".join(f"{k}={v:.3f}" for k, v in figures.items()))
        return
    store = ["--store", args.store] if args.store else []
    child = [sys.executable, __file__, "--updates", str(args.updates), *store]
    best: dict[str, dict[str, float]] = {}
    for _ in range(args.rounds):
        for variant in ("bare", "store"):
            done = subprocess.run(
                [*child, "--variant", variant],
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
    server = best["store"].get("server_cpu_ms")
    print(
        f"engine={'postgres' if args.store else 'sqlite'} updates={args.updates} "
        f"store_updates_per_s={best['store']['updates_per_s']:.0f} "
        f"bare_updates_per_s={best['bare']['updates_per_s']:.0f} ratio={ratio:.2f} "
        f"store_cpu_ms={best['store']['cpu_ms']:.3f} bare_cpu_ms={best['bare']['cpu_ms']:.3f} "
        + ("" if server is None else f"server_cpu_ms={server:.3f} ")
        + f"store_peak_rss_mb={best['store']['peak_rss_mb']:.0f} "
        f"bare_peak_rss_mb={best['bare']['peak_rss_mb']:.0f}"
    )


if __name__ == "__main__":
    main()
