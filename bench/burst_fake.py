"""The fake Bot API in a child process for bench/burst.py and bench/storm_alerts.py, by pipe.

The fake must not be the bottleneck of a ⭐ storm, so it gets a process (and an interpreter lock)
of its own: the presses are made there by `PressStorm`, and only summaries cross the pipe —
press timings as plain tuples, probe replies as one timestamp. Its CPU is read from /proc by
the driver, like the bot's. Searches of the call log (previews, alerts sent) run here too.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import threading
import time
from typing import Any

import httpx

from sandbox.fakeapi import FakeTelegram, PressStorm

# (user id, created, answered or None, refused, confirmed): one press, cheap to pickle.
PressRow = tuple[int, float, float | None, bool, bool]


class RemoteFake:
    """A `FakeTelegram` serving from a spawned child; calls are forwarded by name."""

    def __init__(self, token: str, channel_id: int, channel: str, callback_age: float) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(child, token, channel_id, channel, callback_age), daemon=True
        )
        self._process.start()
        self._lock = threading.Lock()
        self.pid: int = self._process.pid or 0
        self.url: str = self.call("url")

    def call(self, name: str, *args: Any) -> Any:
        """Run command `name` in the child and return its result (errors re-raised here)."""
        with self._lock:
            self._conn.send((name, args))
            ok, value = self._conn.recv()
        if not ok:
            raise RuntimeError(f"fake: {name}: {value}")
        return value

    def close(self) -> None:
        """Stop the fake and its process."""
        if self._process.is_alive():
            with contextlib.suppress(OSError, EOFError, RuntimeError):
                self.call("stop")
            self._process.join(5)
        if self._process.is_alive():
            self._process.kill()


class _Commands:
    """What the driver may ask of the fake; runs in the child."""

    def __init__(self, fake: FakeTelegram, channel_id: int, token: str) -> None:
        self.fake = fake
        self.channel_id = channel_id
        self.token = token
        self.storms: list[PressStorm] = []

    def url(self) -> str:
        return self.fake.url

    def post_with_button(self) -> tuple[int, str] | None:
        """The channel post carrying the ⭐ button: (message id, callback data)."""
        for message in self.fake.messages(self.channel_id):
            for row in (message.reply_markup or {}).get("inline_keyboard", []):
                for button in row:
                    if str(button.get("callback_data", "")).startswith("fav:"):
                        return message.message_id, str(button["callback_data"])
        return None

    def storm(self, message_id: int, data: str, rate: float, seconds: float, first: int) -> int:
        storm = self.fake.press_storm(
            self.channel_id, message_id, data, rate=rate, seconds=seconds, first_user=first
        )
        self.storms.append(storm)
        return len(self.storms) - 1

    def storm_done(self, number: int) -> bool:
        return self.storms[number].join(0)

    def storm_stop(self, number: int) -> int:
        self.storms[number].stop()
        self.storms[number].join(5)
        return self.storms[number].presses

    def presses(self, number: int) -> list[PressRow]:
        records = self.fake.press_records(self.storms[number].query_ids)
        return [
            (r.user_id, r.created, r.answered, r.refused, r.confirmed) for r in records.values()
        ]

    def duplicates(self, number: int) -> int:
        """Extra answers to a storm's presses: answerCallbackQuery calls (sent or carried in a
        webhook reply) beyond one per press — a press whose update was handled twice."""
        wanted = set(self.storms[number].query_ids)
        answers = [
            c.params.get("callback_query_id")
            for c in self.fake.calls_of("answerCallbackQuery")
            if c.params.get("callback_query_id") in wanted
        ]
        return len(answers) - len(set(answers))

    def answer_paths(self, number: int) -> tuple[int, int]:
        """How a storm's ⭐ answers came: (carried in a webhook reply, sent as requests of their
        own). A carried answer costs the bot no request, so its share is what the reply path
        (issue 16's faster answer path) buys."""
        wanted = set(self.storms[number].query_ids)
        carried = sent = 0
        for call in self.fake.calls_of("answerCallbackQuery"):
            if call.params.get("callback_query_id") in wanted:
                if call.via_reply:
                    carried += 1
                else:
                    sent += 1
        return carried, sent

    def unresolved(self, number: int) -> int:
        """Presses of a storm with no answer yet."""
        records = self.fake.press_records(self.storms[number].query_ids)
        return sum(1 for r in records.values() if r.answered is None)

    def send(self, user_id: int, text: str) -> tuple[int, float]:
        """A user's message; returns (call index to search from, when it was enqueued)."""
        mark = self.fake.call_count
        user = self.fake.user(user_id, "Probe")
        self.fake.send_text(user, text)
        return mark, time.monotonic()

    def reply_at(self, mark: int, chat_id: int) -> float | None:
        """When the first reply to `chat_id` after call `mark` arrived, if one did."""
        for call in self.fake.calls_since(mark):
            if call.method == "sendMessage" and call.ok and call.params.get("chat_id") == chat_id:
                return call.at
        return None

    def long_polls(self) -> int:
        return self.fake.long_polls_waiting

    # -- alerts (bench/storm_alerts.py) ----------------------------------------------------------

    def open_chats(self, first: int, count: int) -> None:
        """Users `first`… each wrote to the bot once; their updates confirmed, as if handled."""
        last = 0
        for user_id in range(first, first + count):
            last = self.fake.send_text(self.fake.user(user_id, "Subscriber"), "hi")
        url = f"{self.fake.url}/bot{self.token}/getUpdates"
        httpx.get(url, params={"offset": last + 1, "timeout": 0}, timeout=30).raise_for_status()

    def limit_global_rate(self, free: int, paid: int) -> None:
        """Telegram's flood control: `free` sends/s overall, paid broadcasts `paid`/s apart."""
        self.fake.limit_global_rate(free, paid_per_second=paid)

    def count_429(self) -> int:
        return self.fake.count_429

    def buttons_after(self, mark: int, chat_id: int) -> tuple[int, list[list[str]]] | None:
        """The first keyboard sent to `chat_id` after call `mark`: (message id, data by row)."""
        for call in self.fake.calls_since(mark):
            if call.method != "sendMessage" or not call.ok:
                continue
            if call.params.get("chat_id") != chat_id:
                continue
            markup, sent = call.params.get("reply_markup"), call.result_or_error
            if isinstance(markup, dict) and isinstance(sent, dict):
                rows = markup.get("inline_keyboard", [])
                data = [[str(b.get("callback_data", "")) for b in row] for row in rows]
                return int(sent["message_id"]), data
        return None

    def press(self, user_id: int, chat_id: int, message_id: int, data: str) -> tuple[int, float]:
        """A user presses a button; returns (call index to search from, when it was enqueued)."""
        mark = self.fake.call_count
        self.fake.press_button(self.fake.user(user_id, "Editor"), chat_id, message_id, data)
        return mark, time.monotonic()

    def text_after(self, mark: int, chat_id: int, needle: str) -> tuple[str | None, int]:
        """A sent text to `chat_id` containing `needle` from call `mark` on, and where to go on."""
        calls = self.fake.calls_since(mark)
        for call in calls:
            text = str(call.params.get("text", ""))
            if call.ok and call.params.get("chat_id") == chat_id and needle in text:
                return text, mark
        return None, mark + len(calls)

    def sends_between(self, mark: int, first: int, count: int) -> list[float]:
        """When each accepted sendMessage to users `first`… since call `mark` arrived."""
        times = []
        for call in self.fake.calls_since(mark):
            if call.method == "sendMessage" and call.ok:
                chat = str(call.params.get("chat_id", ""))  # an int in JSON, a str in a form
                if chat.isdigit() and first <= int(chat) < first + count:
                    times.append(call.at)
        return times

    def stop(self) -> None:
        for storm in self.storms:
            storm.stop()
        self.fake.stop()


def _serve(conn: Any, token: str, channel_id: int, channel: str, callback_age: float) -> None:
    fake = FakeTelegram(token=token).start()
    fake.add_channel(username=channel.removeprefix("@"), chat_id=channel_id)
    fake.limit_callback_age(callback_age)
    commands = _Commands(fake, channel_id, token)
    while True:
        try:
            name, args = conn.recv()
        except EOFError:  # the driver is gone
            commands.stop()
            return
        try:
            conn.send((True, getattr(commands, name)(*args)))
        except Exception as exc:  # report to the driver, keep serving
            conn.send((False, repr(exc)))
        if name == "stop":
            return
