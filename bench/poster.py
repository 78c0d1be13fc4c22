"""Benchmark: the alert fan-out's HTTP client alone — client CPU per POST.

Run from the repository root: `.venv/bin/python bench/poster.py [--calls N] [--rounds R]`.

`bot.alerts.poster.JsonPoster` posts a 430-byte JSON body to a bare asyncio HTTP/1.1 server in
a child process (it answers a fixed 300-byte JSON at once, so the server is never what is
measured), 50 requests in flight over 50 keep-alive connections, as the fan-out does at
1000/s. Figures: this process's CPU per call (`time.process_time`, all of the client: aiohttp,
the event loop, the loopback `send`), the server's CPU per call, calls per second; R rounds,
min and median of the client's figure (the machine is shared: the minimum is the cost, the
spread is the neighbours). Last line: key=value pairs.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # run as a script from a checkout, installed or not

from bot.alerts.poster import JsonPoster  # noqa: E402

ANSWER = b'{"ok":true,"result":"' + b"x" * 277 + b'"}'
RESPONSE = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s" % (
    len(ANSWER),
    ANSWER,
)
BODY = b'{"chat_id":123456,"text":"' + b"y" * 400 + b'"}'
IN_FLIGHT = 50


def serve(conn: Any) -> None:
    """The bare server: read a request, answer at once; report its port, later its CPU."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
                await reader.readexactly(length)
                writer.write(RESPONSE)
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0, backlog=512)
        conn.send(server.sockets[0].getsockname()[1])
        loop = asyncio.get_running_loop()
        while True:  # answer "cpu" requests from the parent without blocking the loop
            await loop.run_in_executor(None, conn.recv)
            conn.send(time.process_time())

    asyncio.run(main())


async def one_round(url: str, calls: int) -> tuple[float, float]:
    """Client CPU seconds and wall seconds for `calls` posts (after a warm-up)."""
    poster = JsonPoster(url, max_connections=IN_FLIGHT, timeout=10)
    slots = asyncio.Semaphore(IN_FLIGHT)

    async def post() -> None:
        async with slots:
            answer = await poster.post(BODY)
            if answer.status != 200:
                raise RuntimeError(f"unexpected answer {answer.status}")

    await asyncio.gather(*(post() for _ in range(IN_FLIGHT * 4)))  # connections open, warm
    cpu, wall = time.process_time(), time.perf_counter()
    await asyncio.gather(*(post() for _ in range(calls)))
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    await poster.close()
    return cpu, wall


def main(calls: int, rounds: int) -> None:
    """R rounds against one server; prints the figures."""
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    server = context.Process(target=serve, args=(child,), daemon=True)
    server.start()
    try:
        url = f"http://127.0.0.1:{parent.recv()}/bot123:not-a-token/sendMessage"
        client_us: list[float] = []
        server_us: list[float] = []
        rates: list[float] = []
        for _ in range(rounds):
            parent.send("cpu")
            before = parent.recv()
            cpu, wall = asyncio.run(one_round(url, calls))
            parent.send("cpu")
            server_us.append((parent.recv() - before) / calls * 1e6)
            client_us.append(cpu / calls * 1e6)
            rates.append(calls / wall)
            print(f"round: client {client_us[-1]:.0f} us/call, server {server_us[-1]:.0f} "
                  f"us/call, {rates[-1]:.0f} calls/s")  # fmt: skip
    finally:
        server.kill()
        server.join(5)
    print(
        f"calls={calls} rounds={rounds} client_cpu_us_min={min(client_us):.0f} "
        f"client_cpu_us_median={statistics.median(client_us):.0f} "
        f"server_cpu_us_median={statistics.median(server_us):.0f} "
        f"calls_per_s_median={statistics.median(rates):.0f}"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    main(args.calls, args.rounds)
