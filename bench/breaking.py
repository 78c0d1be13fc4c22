"""Benchmark: breaking news latency, and the alert fan-out against Telegram's global limit.

Run from the repository root:
`.venv/bin/python bench/breaking.py [--runs N] [--users N] [--rate R]`.

Part 1 — Publish press → channel send: an editor sends `/breaking <text>`, waits for the preview,
presses Publish; the time from the press (the callback enqueued at the fake Bot API) to the
channel's sendMessage arriving at the fake is one sample. N runs, p50/p99 (target p99 ≤ 200 ms).
Per-channel pacing is set high (6000/min) so that the figure is the bot's own latency.

Part 2 (the fake in a child process, so that it does not compete for this interpreter's GIL)
— alert fan-out: N opted-in subscribers with a private chat, `alerts.max_per_second` = R
and the fake enforcing R (429 beyond it); above Telegram's free 30/s the alerts go as paid
broadcasts (`alerts.paid_broadcast`) and the fake holds every other send to 30/s.
Achieved = alerts delivered ÷ (last send − first send); ratio = achieved ÷ R (target ≥ 0.95).
Meanwhile readers send /latest (a few a second, spread over many readers to stay under the
flood guard); p99 of /latest from the update enqueued to the reply arriving at the fake
(target ≤ 1 s).

Part 1 runs the fake in this process (its HTTP server on a thread). Last line: key=value pairs.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import multiprocessing
import statistics
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script from a checkout, installed or not

import httpx  # noqa: E402

from bot import catalogue  # noqa: E402
from bot.app import build_application, running  # noqa: E402
from bot.config import Settings, parse_settings  # noqa: E402
from bot.context import NewsdeskApp  # noqa: E402
from sandbox.fakeapi import FakeTelegram, RecordedCall  # noqa: E402
from storage.users import UserRepository  # noqa: E402

TOKEN = "123456:BENCH-token-not-real"
CHANNEL_ID = -1001234567890
CHANNEL = "@example_news"
ADMIN = 4242
EDITORS = [ADMIN + n for n in range(20)]  # taking turns: one would trip the flood guard
FIRST_READER = 100_000
PROBES = 40  # readers taking turns at /latest
PROBE_INTERVAL = 0.25
FREE_PER_SECOND = 30  # Telegram's overall limit without paid broadcasts
ALERT_KEYS = {"alert_breaking": "🔴 <b>Breaking news</b>\n\n{story}", "alert_open_post": "Open"}


class RemoteFake:
    """The fake Bot API in a child process, so it does not share the bot's interpreter (GIL).

    Only what this benchmark needs crosses the pipe; searches of the call log run in the child.
    """

    def __init__(self) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, TOKEN), daemon=True)
        self._process.start()
        self._lock = threading.Lock()
        self.base_url: str = self._call("base_url")

    def _call(self, name: str, *args: Any) -> Any:
        with self._lock:
            self._conn.send((name, args))
            ok, value = self._conn.recv()
        if not ok:
            raise RuntimeError(value)
        return value

    def __getattr__(self, name: str) -> Any:
        return lambda *args: self._call(name, *args)

    async def ask(self, name: str, *args: Any) -> Any:
        """The same call from a worker thread: the event loop never blocks on the pipe."""
        return await asyncio.to_thread(self._call, name, *args)

    def close(self) -> None:
        """Stop the child."""
        self._call("stop")
        self._process.join(5)


def _serve(conn: Any, token: str) -> None:
    fake = FakeTelegram(token=token).start()
    fake.add_channel(username=CHANNEL.removeprefix("@"), chat_id=CHANNEL_ID)
    commands: dict[str, Any] = {
        "base_url": lambda: fake.base_url,
        "user": fake.user,
        "send_text": fake.send_text,
        "press_button": fake.press_button,
        "limit_global_rate": lambda free, paid=1000: fake.limit_global_rate(
            free, paid_per_second=paid
        ),
        "count_429": lambda: fake.count_429,
        "ncalls": lambda: len(fake.calls),
        "first_after": lambda since, method, chat: first_after(fake, since, method, chat),
        "first_text": lambda since, chat, needle: next(
            (c for c in fake.calls[since:] if c.params.get("chat_id") == chat
             and needle in str(c.params.get("text", ""))), None),
        "alert_times": lambda since: [
            c.at for c in fake.calls[since:] if c.method == "sendMessage" and c.ok
            and str(c.params.get("chat_id")).isdigit() and int(c.params["chat_id"]) >= FIRST_READER
        ],
        "open_chats": lambda users: open_chats(fake, users),
        "cpu": time.process_time,  # the fake's own CPU (every thread of its process)
        "stop": fake.stop,
    }  # fmt: skip
    while True:
        name, args = conn.recv()
        try:
            conn.send((True, commands[name](*args)))
        except Exception as exc:  # report to the parent, keep serving
            conn.send((False, repr(exc)))
        if name == "stop":
            return


async def until(check: Any, within: float = 10.0, every: float = 0.005) -> Any:
    """Poll `await check()` (a call into the child) until it returns something, with a deadline."""
    deadline = time.monotonic() + within
    while True:
        found = await check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met")
        await asyncio.sleep(every)


def settings_for(
    fake: FakeTelegram | RemoteFake, db: Path, rate: int, *, pin: bool, alerts: bool
) -> Settings:
    """The bot as deployed, with limits raised to what this run measures.

    Alerts faster than Telegram's free 30/s go as paid broadcasts (the only way Telegram takes
    them); the bot's other sends then keep the free limit, as in production.
    """
    paid = rate > FREE_PER_SECOND
    return parse_settings(
        {
            "telegram": {
                "token": TOKEN,
                "api_base_url": fake.base_url,
                "channel": "@example_news",
                "admins": EDITORS,
                # The bot's budget for everything it sends for free (paid alerts apart).
                "max_requests_per_second": FREE_PER_SECOND if paid and alerts else rate,
            },
            "storage": {"path": str(db)},
            "site": {"name": "Bench News", "timezone": "UTC", "language": "en"},
            "publishing": {"enabled": False, "max_posts_per_minute": 6000},
            "breaking": {"pin": pin},
            "alerts": {"enabled": alerts, "max_per_second": rate, "paid_broadcast": paid},
        }
    )


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0–100), nearest rank."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


def first_after(
    fake: FakeTelegram, since: int, method: str, chat_id: int | str
) -> RecordedCall | None:
    """The first successful `method` call to `chat_id` from call number `since`."""
    for call in fake.calls[since:]:
        if call.method == method and call.params.get("chat_id") == chat_id and call.ok:
            return call
    return None


async def publish_latency(fake: FakeTelegram, app: NewsdeskApp, runs: int) -> list[float]:
    """Press → channel send, in milliseconds, `runs` times."""
    samples: list[float] = []
    for n in range(runs):
        editor = fake.user(EDITORS[n % len(EDITORS)], "Editor")
        since = len(fake.calls)
        fake.send_text(editor, f"/breaking Bench story number {n} at {time.time()}")
        preview = await fake.wait_for(
            lambda s=since, e=editor.id: first_after(fake, s, "sendMessage", e)
        )
        data = preview.params["reply_markup"]["inline_keyboard"][-1][0]["callback_data"]
        since = len(fake.calls)
        pressed = time.monotonic()
        fake.press_button(editor, editor.id, preview.result_or_error["message_id"], data)
        post = await fake.wait_for(lambda s=since: first_after(fake, s, "sendMessage", CHANNEL))
        samples.append((post.at - pressed) * 1000)
        await fake.wait_for(lambda s=since, e=editor.id: first_after(fake, s, "sendMessage", e))
    return samples


def open_chats(fake: FakeTelegram, users: int) -> None:
    """Each reader wrote to the bot once; their updates are confirmed before the bot starts."""
    last = 0
    for user_id in range(FIRST_READER, FIRST_READER + users):
        last = fake.send_text(fake.user(user_id, "R"), "hi")
    httpx.get(f"{fake.base_url}{TOKEN}/getUpdates", params={"offset": last + 1, "timeout": 0})


async def fan_out(fake: RemoteFake, app: NewsdeskApp, users: int, rate: int) -> dict[str, Any]:
    """Alert `users` readers at `rate`/s while probing /latest; return the figures."""
    services = app.bot_data.services
    async with services.db.write() as conn:
        repo = UserRepository(conn)
        for user_id in range(FIRST_READER, FIRST_READER + users):
            await repo.set_alerts(user_id, True, now=datetime.now(UTC))
    editor = fake.user(ADMIN, "Editor")
    if rate > FREE_PER_SECOND:  # paid broadcasts at `rate`, everything else at Telegram's 30/s
        fake.limit_global_rate(FREE_PER_SECOND, rate)
    else:
        fake.limit_global_rate(rate)
    before_429 = fake.count_429()
    since = fake.ncalls()
    fake.send_text(editor, "/breaking The fan-out story")
    preview = await until(lambda: fake.ask("first_after", since, "sendMessage", ADMIN))
    data = preview.params["reply_markup"]["inline_keyboard"][-1][0]["callback_data"]
    start = fake.ncalls()
    cpu_bot, cpu_fake = time.process_time(), fake.cpu()
    fake.press_button(editor, ADMIN, preview.result_or_error["message_id"], data)
    finished = asyncio.Event()
    latencies: list[float] = []

    async def probe() -> None:
        n = 0
        while not finished.is_set():
            reader = await fake.ask("user", FIRST_READER - 1 - n % PROBES, "Probe")
            mark = await fake.ask("ncalls")
            sent = time.monotonic()
            await fake.ask("send_text", reader, "/latest")
            reply = await until(
                lambda m=mark, r=reader.id: fake.ask("first_after", m, "sendMessage", r)
            )
            latencies.append(reply.at - sent)  # one system-wide monotonic clock on Linux
            n += 1
            await asyncio.sleep(PROBE_INTERVAL)

    probing = asyncio.create_task(probe())
    summary = await until(
        lambda: fake.ask("first_text", start, ADMIN, "Alert finished"),
        within=users / rate * 4 + 30,
        every=0.25,
    )
    finished.set()
    await probing
    cpu_bot, cpu_fake = time.process_time() - cpu_bot, fake.cpu() - cpu_fake
    times = fake.alert_times(start)
    span = times[-1] - times[0]
    achieved = (len(times) - 1) / span if span > 0 else float("inf")
    return {
        "alerts_sent": len(times),
        "alert_seconds": round(span, 2),
        "achieved_per_s": round(achieved, 1),
        "ratio": round(achieved / rate, 3),
        "alert_429s": fake.count_429() - before_429,
        "latest_p50_ms": round(percentile(latencies, 50) * 1000, 1),
        "latest_p99_ms": round(percentile(latencies, 99) * 1000, 1),
        "latest_samples": len(latencies),
        "summary": summary.params["text"].splitlines()[-1],
        # The bot's CPU (this process: the bot, and the probe's few calls) per alert, and the
        # fake's CPU as a share of one core over the fan-out: far below 100 %, the fake is not
        # what limits the rate.
        "bot_cpu_us_per_alert": round(cpu_bot / max(1, len(times)) * 1e6),
        "fake_cpu_share": round(cpu_fake / span, 2) if span > 0 else 0.0,
    }


async def main(runs: int, users: int, rate: int) -> None:
    """Both parts, each on a fresh store; prints the figures."""
    for language, keys in (("en", ALERT_KEYS), ("ar", ALERT_KEYS)):
        for key, value in keys.items():
            catalogue.MESSAGES[language].setdefault(key, value)
    with FakeTelegram(token=TOKEN) as fake, tempfile.TemporaryDirectory() as tmp:
        fake.add_channel(username="example_news", chat_id=CHANNEL_ID)
        settings = settings_for(fake, Path(tmp) / "a.sqlite3", rate, pin=True, alerts=False)
        app = build_application(settings)
        async with running(app):
            samples = await publish_latency(fake, app, runs)
        p50, p99 = percentile(samples, 50), percentile(samples, 99)
        print(
            f"publish press -> channel send over {runs} runs: p50 {p50:.1f} ms, "
            f"p99 {p99:.1f} ms, max {max(samples):.1f} ms, mean {statistics.mean(samples):.1f} ms"
        )
    fake_b = RemoteFake()
    try:
        fake_b.open_chats(users)
        with tempfile.TemporaryDirectory() as tmp:
            settings = settings_for(fake_b, Path(tmp) / "b.sqlite3", rate, pin=False, alerts=True)
            app = build_application(settings)
            async with running(app):
                fig = await fan_out(fake_b, app, users, rate)
    finally:
        fake_b.close()
    print(
        f"alert fan-out to {users} at {rate}/s: {fig['alerts_sent']} sent in "
        f"{fig['alert_seconds']} s = {fig['achieved_per_s']}/s, ratio {fig['ratio']}, "
        f"429s {fig['alert_429s']}; /latest during it: p50 {fig['latest_p50_ms']} ms, "
        f"p99 {fig['latest_p99_ms']} ms over {fig['latest_samples']}; "
        f"admin told: {fig['summary']}; bot CPU {fig['bot_cpu_us_per_alert']} us per alert, "
        f"fake CPU {fig['fake_cpu_share']} of a core"
    )
    print(
        f"runs={runs} publish_p50_ms={p50:.1f} publish_p99_ms={p99:.1f} users={users} "
        f"rate={rate} achieved_per_s={fig['achieved_per_s']} ratio={fig['ratio']} "
        f"alert_429s={fig['alert_429s']} latest_p99_ms={fig['latest_p99_ms']} "
        f"bot_cpu_us_per_alert={fig['bot_cpu_us_per_alert']} "
        f"fake_cpu_share={fig['fake_cpu_share']} latest_probe=/latest"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--users", type=int, default=10_000)
    parser.add_argument("--rate", type=int, default=1000)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("httpx").setLevel(logging.WARNING)
    asyncio.run(main(args.runs, args.users, args.rate))
