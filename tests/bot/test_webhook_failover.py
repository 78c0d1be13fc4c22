"""Two real `newsdesk run` workers in webhook mode on one PostgreSQL, behind one URL.

The fake Telegram POSTs every update to a round-robin proxy (sandbox/balancer.py) in front of
worker A and worker B, as Telegram calls one public URL and a reverse proxy spreads the calls.
A starts first and leads the newsroom; B follows. A backlog is imported and A posts part of it.
Then the leader goes, inside a channel post whose answer the fake holds back (the post is in the
channel, the store says `sending`):

- killed (SIGKILL): B takes the lease within the time-to-live, reports A's interrupted post as
  uncertain and posts the rest. Readers keep writing meanwhile: the proxy answers 502 for A's
  share of their updates, the fake retries them, and B answers each once.
- paused (SIGSTOP) past the time-to-live: B takes over and posts the rest; resumed (SIGCONT), A
  finds it lost the lease, steps down to follower and posts nothing (the write fence), while
  still answering readers' updates.

Either way: every article in the channel exactly once (the held one at most once, reported to
the editor), every reader's /latest and ⭐ press answered exactly once, every ⭐ stored.
"""

from __future__ import annotations

import signal
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import asyncpg
import pytest

from sandbox.balancer import RoundRobin
from sandbox.fakeapi import FakeTelegram, Fault, RecordedCall, WebhookTiming
from tests import processes
from tests.processes import ADMIN_ID, BotProcess, newsdesk, write_backlog
from tests.support import (
    BOT_USERNAME,
    CHANNEL,
    CHANNEL_ID,
    CHANNEL_TITLE,
    TOKEN,
    channel_titles,
    held_channel_send,
    title_of,
    uncertain_reports,
    wait_until,
)
from tests.webhook.conftest import PATH, SECRET, free_port

ARTICLES = 20
TITLES = [f"Webhook failover story {n:02d}" for n in range(1, ARTICLES + 1)]
TTL = 2.0
ENV = {"NEWSDESK_WEBHOOK_SECRET": SECRET}


@dataclass
class Desk:
    """The fake, the store, the proxy and the two workers' configs: one newsroom, one URL."""

    fake: FakeTelegram
    url: str  # the shared PostgreSQL database
    tmp_path: Path
    balancer: RoundRobin
    ports: dict[str, int]
    configs: dict[str, Path] = field(default_factory=dict)

    def target(self, name: str) -> str:
        """The balancer's target that is worker `name`."""
        return f"http://127.0.0.1:{self.ports[name]}{PATH}"

    def write_configs(self) -> None:
        """Fast publishing on the shared store; each worker's own port, the balancer's URL."""
        for name, port in self.ports.items():
            config = processes.write_config(
                self.tmp_path,
                self.fake.base_url,
                "enabled = true\ninterval_seconds = 1\nmax_posts_per_minute = 200\n"
                "retry_backoff_seconds = 0.05\nbacklog_max_age_hours = 24",
                storage=f'url = "{self.url}"\nlease_ttl_seconds = {TTL}',
                name=f"{name}.toml",
            )
            with config.open("a", encoding="utf-8") as file:
                file.write(
                    f'\n[webhook]\nurl = "{self.balancer.url}"\nport = {port}\npath = "{PATH}"\n'
                )
            self.configs[name] = config

    async def rows(self, sql: str) -> list[asyncpg.Record]:
        """What the shared store holds."""
        conn = await asyncpg.connect(self.url, timeout=5)
        try:
            return list(await conn.fetch(sql))
        finally:
            await conn.close()

    async def worker_id(self, pid: int) -> str:
        rows = await self.rows(f"SELECT id FROM workers WHERE pid = {int(pid)}")
        assert len(rows) == 1, rows
        return str(rows[0][0])

    async def lease_holder(self) -> str | None:
        rows = await self.rows("SELECT holder FROM instance_lease")
        return str(rows[0][0]) if rows else None

    async def settled(self) -> int:
        rows = await self.rows(
            "SELECT count(*) FROM deliveries WHERE state IN ('posted', 'uncertain')"
        )
        return int(rows[0][0])


@asynccontextmanager
async def desk(fake: FakeTelegram, tmp_path: Path, url: str) -> AsyncIterator[Desk]:
    """The proxy in front of two (not yet started) workers' ports, and their configs."""
    ports = {"a": free_port(), "b": free_port()}
    targets = [f"http://127.0.0.1:{port}{PATH}" for port in ports.values()]
    async with RoundRobin(targets, path=PATH) as balancer:
        found = Desk(fake, url, tmp_path, balancer, ports)
        found.write_configs()
        yield found


async def ready(port: int) -> bool:
    """Whether a worker's /readyz says ready (its server listens, its webhook is set)."""
    try:
        async with (
            aiohttp.ClientSession() as session,
            session.get(f"http://127.0.0.1:{port}/readyz") as response,
        ):
            return response.status == 200
    except aiohttp.ClientError:
        return False


@asynccontextmanager
async def two_workers(found: Desk) -> AsyncIterator[tuple[BotProcess, BotProcess]]:
    """A leading, B following, both ready, the editor's chat open; killed on the way out."""
    fake = found.fake
    async with newsdesk(found.tmp_path, found.configs["a"], "run", name="a", env=ENV) as a:
        await a.wait_until(lambda: "newsdesk started" in a.output(), "A's start")
        async with newsdesk(found.tmp_path, found.configs["b"], "run", name="b", env=ENV) as b:
            try:
                await b.wait_until(lambda: "is a follower" in b.output(), "B following A")
                for name in ("a", "b"):
                    await wait_until(lambda n=name: ready(found.ports[n]), 30, f"{name} ready")
                fake.send_text(fake.user(ADMIN_ID, "Editor"), "/start")  # so it may write to them
                await a.wait_until(
                    lambda: any(m.from_bot for m in fake.messages(ADMIN_ID)), "editor's welcome"
                )
                yield a, b
            finally:
                for proc in (a.proc, b.proc):
                    if proc.returncode is None:
                        proc.send_signal(signal.SIGCONT)  # a stopped process cannot be killed
                        # cleanly


def save_button(fake: FakeTelegram) -> tuple[int, str]:
    """The first channel post's message id and its ⭐ button's callback data."""
    post = fake.messages(CHANNEL_ID)[0]
    assert post.reply_markup is not None
    data = next(
        str(button["callback_data"])
        for row in post.reply_markup["inline_keyboard"]
        for button in row
        if str(button.get("callback_data", "")).startswith("fav:")
    )
    return post.message_id, data


async def start_backlog(found: Desk, a: BotProcess) -> None:
    """Import the backlog and wait for the leader's first posts."""
    async with newsdesk(
        found.tmp_path,
        found.configs["a"],
        "import",
        str(write_backlog(found.tmp_path, "hook-failover", TITLES)),
        name="i",
        env=ENV,
    ) as imp:
        assert await imp.exit_code() == 0, imp.output()
    await a.wait_until(lambda: len(channel_titles(found.fake)) >= 4, "A's first posts")


@dataclass
class Readers:
    """Readers' updates sent through the fake: /latest by some, a ⭐ press by others."""

    latest: list[int] = field(default_factory=list)  # user ids
    presses: dict[str, int] = field(default_factory=dict)  # query id -> user id
    article_id: int = 0

    def send(self, fake: FakeTelegram, first_user: int, count: int) -> None:
        """`count` readers send /latest and `count` others press ⭐ on the first post."""
        message_id, data = save_button(fake)
        self.article_id = int(data.split(":")[1])
        for n in range(count):
            reader = fake.user(first_user + n, f"Reader {first_user + n}")
            fake.send_text(reader, "/latest")
            self.latest.append(reader.id)
            presser = fake.user(first_user + 1000 + n, f"Presser {first_user + n}")
            query = fake.press_button(presser, CHANNEL_ID, message_id, data)
            self.presses[query] = presser.id

    def replies(self, fake: FakeTelegram) -> Counter[int]:
        """Bot messages accepted in each /latest reader's chat."""
        return Counter(
            int(c.params["chat_id"])
            for c in fake.calls_of("sendMessage")
            if c.ok and str(c.params.get("chat_id")) in {str(u) for u in self.latest}
        )

    def answers(self, fake: FakeTelegram) -> Counter[str]:
        """answerCallbackQuery calls per press, by request or carried in a webhook reply."""
        return Counter(
            str(c.params["callback_query_id"])
            for c in fake.calls_of("answerCallbackQuery")
            if str(c.params.get("callback_query_id")) in self.presses
        )

    def all_answered(self, fake: FakeTelegram) -> bool:
        replies, answers = self.replies(fake), self.answers(fake)
        return all(replies[u] for u in self.latest) and all(answers[q] for q in self.presses)

    async def check(self, found: Desk) -> None:
        """Each update answered once (after a settling wait for any second answer), each ⭐
        stored as saved (a press handled twice would have un-saved it)."""
        fake = found.fake
        await wait_until(lambda: self.all_answered(fake), 30, "every reader answered")
        await wait_until(lambda: fake.pending_update_count == 0, 30, "no update left to deliver")
        replies, answers = self.replies(fake), self.answers(fake)
        assert {u: n for u, n in replies.items() if n != 1} == {}, "a /latest answered twice"
        assert {q: n for q, n in answers.items() if n != 1} == {}, "a ⭐ answered twice"
        users = ", ".join(str(u) for u in self.presses.values())
        saved = await found.rows(
            f"SELECT user_id FROM favorites WHERE saved = 1 AND article_id = {self.article_id} "
            f"AND user_id IN ({users})"
        )
        assert sorted(int(r[0]) for r in saved) == sorted(self.presses.values())


async def settled_and_reported(found: Desk, leader: BotProcess, held: RecordedCall) -> None:
    """Every article settled; in the channel once; the held one uncertain and reported."""
    fake = found.fake

    async def all_settled() -> bool:
        assert leader.proc.returncode is None, leader.output()
        return await found.settled() == ARTICLES

    await wait_until(all_settled, 30, lambda: f"every article settled:\n{leader.output()}")
    rows = await found.rows(
        "SELECT a.title, d.state FROM articles a JOIN deliveries d ON d.article_id = a.id"
    )
    final = {str(r[0]): str(r[1]) for r in rows}
    assert sorted(final) == TITLES
    assert final[title_of(held)] == "uncertain"  # the interrupted send: never sent again
    seen = Counter(channel_titles(fake))
    assert [title for title, count in seen.items() if count > 1] == []  # never doubled
    for title, state in final.items():
        if state == "posted":
            assert seen[title] == 1, title  # never dropped
    uncertain = sorted(t for t, state in final.items() if state == "uncertain")
    reports = uncertain_reports(fake)
    for title in uncertain:
        assert any(title in report for report in reports), f"{title} was never reported"
    assert len(reports) == len(uncertain)  # one report per uncertain article


async def test_a_killed_webhook_leader_is_replaced_and_readers_are_answered_once(
    fake: FakeTelegram, tmp_path: Path, pg_database: str
) -> None:
    async with desk(fake, tmp_path, pg_database) as found, two_workers(found) as (a, b):
        a_id, b_id = await found.worker_id(a.proc.pid), await found.worker_id(b.proc.pid)
        await start_backlog(found, a)
        before = Readers()  # both workers alive: each answers its share
        before.send(fake, 2000, 4)
        await before.check(found)
        assert found.balancer.answered[found.target("a")] > 0
        assert found.balancer.answered[found.target("b")] > 0

        fake.fail_next("sendMessage", Fault.timeout(120, applied=True))
        held = await a.wait_until(lambda: held_channel_send(fake), "a held channel post")
        posted_by = await found.rows(
            "SELECT DISTINCT claimed_by FROM deliveries WHERE claimed_by IS NOT NULL"
        )
        assert {str(r[0]) for r in posted_by} == {a_id}  # only the leader posted so far
        await a.sigkill()
        during = Readers()  # sent while the newsroom has no leader
        during.send(fake, 3000, 6)

        # Within the lease's life, with the slack of a busy host (the polling test's).
        await wait_until(lambda: _holder_is(found, b_id), TTL + 3.0, "B leading within the TTL")
        await during.check(found)
        assert found.balancer.failed[found.target("a")] > 0  # A's share was retried, to B
        await settled_and_reported(found, b, held)
        assert "now leads the newsroom" in b.output()
        after = Readers()  # B alone, every second request a 502 and a retry
        after.send(fake, 4000, 4)
        await after.check(found)

        b.proc.send_signal(signal.SIGTERM)
        assert await b.exit_code() == 0, b.output()
    claimers = await found.rows("SELECT DISTINCT claimed_by FROM deliveries")
    assert b_id in {str(r[0]) for r in claimers}  # B finished the backlog


async def webhook_info(fake: FakeTelegram) -> dict[str, Any]:
    """getWebhookInfo, as any Bot API client asks it."""
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{fake.base_url}{TOKEN}/getWebhookInfo") as response,
    ):
        info: dict[str, Any] = (await response.json())["result"]
        return info


async def _holder_is(found: Desk, worker: str) -> bool:
    return await found.lease_holder() == worker


@pytest.fixture
def impatient_fake() -> Iterator[FakeTelegram]:
    """The fake giving up on a webhook request after a second (Telegram: about a minute), so
    the requests a paused worker holds are retried elsewhere, and answered late by it too."""
    with FakeTelegram(bot_username=BOT_USERNAME, webhook_timing=WebhookTiming(timeout=1.0)) as api:
        api.add_channel(
            username=CHANNEL.removeprefix("@"), chat_id=CHANNEL_ID, title=CHANNEL_TITLE
        )
        yield api


async def test_a_paused_webhook_leader_steps_down_on_resuming_and_posts_nothing(
    impatient_fake: FakeTelegram, tmp_path: Path, pg_database: str
) -> None:
    fake = impatient_fake
    async with desk(fake, tmp_path, pg_database) as found, two_workers(found) as (a, b):
        a_id, b_id = await found.worker_id(a.proc.pid), await found.worker_id(b.proc.pid)
        await start_backlog(found, a)
        fake.fail_next("sendMessage", Fault.timeout(120, applied=True))
        held = await a.wait_until(lambda: held_channel_send(fake), "a held channel post")
        a.proc.send_signal(signal.SIGSTOP)  # inside the send: its claim is `sending`, A's
        by_a = await found.rows(
            f"SELECT article_id, state FROM deliveries WHERE claimed_by = '{a_id}'"
        )
        assert "sending" in {str(r[1]) for r in by_a}
        during = Readers()  # A's share hangs, the fake gives up on it and retries
        during.send(fake, 3000, 6)

        await wait_until(lambda: _holder_is(found, b_id), TTL + 3.0, "B leading past the TTL")
        before = len(channel_titles(fake))
        await b.wait_until(lambda: len(channel_titles(fake)) > before, "B's first post")
        await during.check(found)  # answered by B meanwhile, each once
        assert await found.settled() < ARTICLES  # some left for B while A comes back

        a.proc.send_signal(signal.SIGCONT)
        await a.wait_until(lambda: "stepping down to follower" in a.output(), "A stepping down")
        await settled_and_reported(found, b, held)
        # The fence: A claimed and posted nothing after its pause, though articles were due.
        after_pause = await found.rows(
            f"SELECT article_id, state FROM deliveries WHERE claimed_by = '{a_id}'"
        )
        assert sorted(int(r[0]) for r in after_pause) == sorted(int(r[0]) for r in by_a)
        assert a.proc.returncode is None  # a follower now, still serving
        assert "Traceback" not in a.output()

        # The requests A held while paused were retried to B; whatever of them A still handed
        # on once resumed (the proxy may have dropped them when the fake gave up) handled
        # nothing twice (Readers.check). Then A answers its share.
        assert (await webhook_info(fake)).get("last_error_message") == "Read timeout expired"
        await wait_until(lambda: not found.balancer.in_flight[found.target("a")], 30, "A idle")
        served = found.balancer.answered[found.target("a")]
        await during.check(found)  # again, now that A handed on what it held, if anything
        after = Readers()
        after.send(fake, 4000, 4)
        await after.check(found)
        assert found.balancer.answered[found.target("a")] > served
        assert await found.lease_holder() == b_id  # B still leads

        for worker in (a, b):
            worker.proc.send_signal(signal.SIGTERM)
            assert await worker.exit_code() == 0, worker.output()
