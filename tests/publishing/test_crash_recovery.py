"""SIGKILL a real `newsdesk run` at several points of publishing, restart it, count the posts.

The bot runs as a subprocess (`python -m bot run`) against the fake Bot API started here; it is
killed inside a Bot API call (an answer the fake holds), just after a post of a fresh run, and
mid-way through the backlog, then restarted until every article is posted or `uncertain`. The
fake's channel record is the truth: no article twice, every one exactly once except those the
store calls uncertain, and each of those reported to the admin. Every wait has a deadline.
"""

from __future__ import annotations

import signal
import sqlite3
import time
from collections import Counter
from pathlib import Path

from sandbox.fakeapi import FakeTelegram, Fault
from tests import processes
from tests.processes import ADMIN_ID, CHANNEL, newsdesk, write_backlog
from tests.support import CHANNEL_ID, channel_titles, held_channel_send, uncertain_reports

ARTICLES = 12
TITLES = [f"Crash story {n:02d}" for n in range(1, ARTICLES + 1)]


def write_config(tmp_path: Path, fake: FakeTelegram) -> Path:
    """Fast publishing (one pass a second, 600 posts a minute) against the fake."""
    return processes.write_config(
        tmp_path,
        fake.base_url,
        "enabled = true\ninterval_seconds = 1\nmax_posts_per_minute = 600\n"
        "retry_backoff_seconds = 0.05\nbacklog_max_age_hours = 24",
    )


def states(db: Path) -> dict[str, tuple[str, int | None]]:
    """Title → (delivery state, message id), read with the stdlib while the bot may run."""
    with sqlite3.connect(db, timeout=10) as conn:
        rows = conn.execute(
            "SELECT a.title, d.state, d.message_id FROM articles a "
            "LEFT JOIN deliveries d ON d.article_id = a.id"
        ).fetchall()
    conn.close()
    return {title: (state, message_id) for title, state, message_id in rows}


async def test_sigkill_at_any_point_posts_each_article_at_most_once(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    started = time.monotonic()
    config, db = write_config(tmp_path, fake), tmp_path / "newsdesk.sqlite3"
    admin = fake.user(ADMIN_ID, "Editor")

    # 0. The editor opens the bot (so it may write to them), before there is anything to post.
    async with newsdesk(tmp_path, config, "run", name="run0") as bot:
        await bot.wait_until(lambda: fake.long_polls_waiting > 0, "getUpdates long poll")
        fake.send_text(admin, "/start")
        await bot.wait_until(
            lambda: any(m.from_bot for m in fake.messages(ADMIN_ID)),
            "reply to the editor's /start",
        )
        bot.proc.send_signal(signal.SIGTERM)
        assert await bot.exit_code() == 0, bot.output()
    assert fake.pending_update_count == 0  # nothing left for a later run to answer

    async with newsdesk(
        tmp_path, config, "import", str(write_backlog(tmp_path, "crash", TITLES)), name="imp"
    ) as imp:
        assert await imp.exit_code() == 0, imp.output()
    assert f"new {ARTICLES}," in imp.output()

    # 1. Killed inside a Bot API call: the fake stores the post but holds its answer back. No
    #    other sendMessage can take this fault: no update is pending, no delivery is in flight.
    fake.fail_next("sendMessage", Fault.timeout(120, applied=True))
    async with newsdesk(tmp_path, config, "run", name="run1") as bot:
        held = await bot.wait_until(lambda: held_channel_send(fake), "a held channel post")
        await bot.sigkill()
    assert held.params["chat_id"] in (CHANNEL, CHANNEL_ID)
    assert channel_titles(fake) == [TITLES[0]]
    assert states(db)[TITLES[0]] == ("sending", None)  # the evidence a crash leaves

    # 2. Killed just after the first post of a fresh run (mid-pass, between two posts).
    async with newsdesk(tmp_path, config, "run", name="run2") as bot:
        await bot.wait_until(lambda: len(channel_titles(fake)) >= 2, "a post after restart")
        await bot.sigkill()

    # 3. Killed mid-way through the backlog.
    halfway = max(len(channel_titles(fake)) + 1, ARTICLES // 2 + 1)
    async with newsdesk(tmp_path, config, "run", name="run3") as bot:
        await bot.wait_until(lambda: len(channel_titles(fake)) >= halfway, "half the backlog")
        await bot.sigkill()

    # 4. Left alone until every article is settled, then stopped politely.
    settled = {"posted", "uncertain"}
    async with newsdesk(tmp_path, config, "run", name="run4") as bot:
        await bot.wait_until(
            lambda: all(state in settled for state, _ in states(db).values()),
            "every article posted or uncertain",
        )
        bot.proc.send_signal(signal.SIGTERM)
        assert await bot.exit_code() == 0, bot.output()

    # The fake's record against the store, read after the last process ended.
    final = states(db)
    assert sorted(final) == TITLES
    seen = Counter(channel_titles(fake))
    assert set(seen) <= set(TITLES)
    assert [title for title, count in seen.items() if count > 1] == []  # never doubled
    uncertain = sorted(title for title, (state, _) in final.items() if state == "uncertain")
    assert TITLES[0] in uncertain  # the post killed inside its call is not claimed either way
    posted_ids = {
        m.text.splitlines()[0]: m.message_id for m in fake.messages(CHANNEL_ID) if m.text
    }
    for title, (state, message_id) in final.items():
        if state == "posted":
            assert seen[title] == 1, title  # never dropped
            assert message_id == posted_ids[title], title  # the store names the real post
    alerts = uncertain_reports(fake)
    for title in uncertain:
        assert any(title in alert for alert in alerts), f"{title} was never reported"
    assert len(alerts) == len(uncertain)  # one report per uncertain article
    assert time.monotonic() - started < 60


SECOND_ID = -1009876543210
SECOND = "@example_news_2"


def posts_in(fake: FakeTelegram, chat_id: int) -> list[str]:
    """The titles posted in one chat, in posting order."""
    return [
        (m.text or m.caption or "").splitlines()[0]
        for m in fake.messages(chat_id)
        if not m.deleted
    ]


def channel_states(db: Path) -> dict[tuple[str, str], str]:
    """(title, channel) → delivery state, read with the stdlib while the bot may run."""
    with sqlite3.connect(db, timeout=10) as conn:
        rows = conn.execute(
            "SELECT a.title, d.channel, d.state FROM articles a "
            "JOIN deliveries d ON d.article_id = a.id"
        ).fetchall()
    conn.close()
    return {(title, channel): state for title, channel, state in rows}


async def test_sigkill_mid_backlog_with_two_editions_posts_each_once_per_channel(
    fake: FakeTelegram, tmp_path: Path
) -> None:
    """Two editions take every article; killed twice mid-backlog, each channel gets each once."""
    fake.add_channel(username=SECOND.removeprefix("@"), chat_id=SECOND_ID, title="Second")
    config = write_config(tmp_path, fake)
    text = config.read_text(encoding="utf-8").replace(f'channel = "{CHANNEL}"\n', "")
    config.write_text(
        text
        + f'\n[[channels]]\nchat = "{CHANNEL}"\nmax_posts_per_minute = 600\n'
        + f'\n[[channels]]\nchat = "{SECOND}"\nmax_posts_per_minute = 600\n',
        encoding="utf-8",
    )
    db = tmp_path / "newsdesk.sqlite3"
    async with newsdesk(
        tmp_path, config, "import", str(write_backlog(tmp_path, "crash", TITLES)), name="imp"
    ) as imp:
        assert await imp.exit_code() == 0, imp.output()

    def total() -> int:
        return len(posts_in(fake, CHANNEL_ID)) + len(posts_in(fake, SECOND_ID))

    for run, target in enumerate((ARTICLES // 2, ARTICLES + ARTICLES // 2)):
        async with newsdesk(tmp_path, config, "run", name=f"run{run}") as bot:
            await bot.wait_until(lambda t=target: total() >= t or None, f"{target} posts")
            await bot.sigkill()
    async with newsdesk(tmp_path, config, "run", name="last") as bot:
        await bot.wait_until(
            lambda: (
                len(channel_states(db)) == 2 * ARTICLES
                and all(s in {"posted", "uncertain"} for s in channel_states(db).values())
            ),
            "every article settled in both channels",
        )
        bot.proc.send_signal(signal.SIGTERM)
        assert await bot.exit_code() == 0, bot.output()

    final = channel_states(db)
    for chat_id, name in ((CHANNEL_ID, CHANNEL), (SECOND_ID, SECOND)):
        seen = Counter(posts_in(fake, chat_id))
        assert [title for title, count in seen.items() if count > 1] == [], name  # never twice
        key = name.removeprefix("@")
        for title in TITLES:
            if final[(title, key)] == "posted":
                assert seen[title] == 1, (name, title)  # never dropped
