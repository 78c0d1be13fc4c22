"""The fake Bot API as a compose sidecar, for tests/deploy/test_compose_up.py only.

Each worker of the bring-up shares a network namespace with its own fake (compose's
`network_mode: service:…`), so the fake listens on 127.0.0.1:8081 as it always does, its Host
guard is satisfied, and the webhook URL it accepts (http on loopback) is the worker's own
127.0.0.1:8443. It has the channel the deploy config names, with the bot as its admin.
"""

from __future__ import annotations

import signal
import threading

from sandbox.fakeapi import FakeTelegram

PORT = 8081


def main() -> None:
    """Serve until SIGTERM (compose down)."""
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    fake = FakeTelegram(host="127.0.0.1", port=PORT)
    fake.add_channel(username="example_news")
    with fake:
        stop.wait()


if __name__ == "__main__":
    main()
