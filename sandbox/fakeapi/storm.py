"""A storm of button presses made inside the double, at a steady rate, from distinct users.

A benchmark that offers 1,600 presses a second cannot make them from its own process: a driver
calling the double (over a pipe or HTTP) for every press becomes the bottleneck it means to
measure. So the double makes them itself, on a thread of its own, the way Telegram would: each
press is a ``callback_query`` update on one stored message, from a user no earlier press used,
with its time recorded for toast latency (``PressRecord``). Presses due together are enqueued
under one lock in one batch, so long polls wake once per batch, not once per press.
"""

from __future__ import annotations

import threading
import time

from sandbox.fakeapi import actors
from sandbox.fakeapi.state import State

_TICK = 0.005  # seconds between batches: 8 presses per batch at 1,600/s


class PressStorm:
    """Presses at ``rate`` per second for ``seconds``; users ``first_user``, ``first_user + 1``…"""

    def __init__(
        self,
        state: State,
        chat_id: int,
        message_id: int,
        data: str,
        *,
        rate: float,
        seconds: float,
        first_user: int,
    ) -> None:
        if rate <= 0 or seconds <= 0:
            raise ValueError("a storm needs a positive rate and duration")
        self._state = state
        self._chat_id, self._message_id, self._data = chat_id, message_id, data
        self.rate, self.seconds, self.first_user = rate, seconds, first_user
        self.query_ids: list[str] = []  # in press order; read after `join`
        self._halt = threading.Event()
        self._thread = threading.Thread(target=self._run, name="fake-telegram-storm", daemon=True)

    def start(self) -> PressStorm:
        """Begin pressing on the storm's thread."""
        self._thread.start()
        return self

    def stop(self) -> None:
        """End the storm early (the presses made so far stay)."""
        self._halt.set()

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the storm to end; True when it has."""
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def presses(self) -> int:
        """How many presses were made so far."""
        return len(self.query_ids)

    def _run(self) -> None:
        st = self._state
        total = round(self.rate * self.seconds)
        start = time.monotonic()
        made = 0
        while made < total and not self._halt.is_set() and not st.stopping.is_set():
            due = min(total, int((time.monotonic() - start) * self.rate) + 1)
            if due > made:
                with st.cond:
                    chat = st.chats[self._chat_id]
                    message = st.message_api(st.messages[(chat.id, self._message_id)])
                    for n in range(made, due):
                        user = {"id": self.first_user + n, "is_bot": False, "first_name": "Reader"}
                        query_id = actors.press(st, user, chat, message, self._data)
                        self.query_ids.append(query_id)
                made = due
            self._halt.wait(max(_TICK, start + made / self.rate - time.monotonic()))
