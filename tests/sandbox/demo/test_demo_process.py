"""The demo as a process: it starts in seconds with no config, and Ctrl-C / SIGTERM end it cleanly.

It runs `python -m sandbox.demo`, the same entry `newsdesk demo` calls (`sandbox.demo.demo_main`).
"""

from __future__ import annotations

import asyncio
import os
import re
import signal
import sys
import time
from pathlib import Path

import httpx
import pytest

from sandbox.demo.seed import DEMO_TOKEN

ROOT = Path(__file__).resolve().parents[3]
START_DEADLINE = 20.0
STOP_DEADLINE = 10.0


@pytest.mark.parametrize("stop_with", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
async def test_the_demo_starts_and_stops_within_seconds(
    tmp_path: Path, stop_with: signal.Signals
) -> None:
    env = {**os.environ, "NEWSDESK_CONFIG": str(tmp_path / "missing.toml")}  # needs no config
    started = time.monotonic()
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "sandbox.demo",
        "--port",
        "0",
        "--log-level",
        "INFO",
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(ROOT)},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    try:
        line = await asyncio.wait_for(process.stdout.readline(), START_DEADLINE)
        match = re.search(r"open (http://127\.0\.0\.1:\d+/)", line.decode())
        assert match, f"no address printed: {line!r}"
        assert time.monotonic() - started < START_DEADLINE
        async with httpx.AsyncClient(base_url=match[1]) as client:
            page = await client.get("/")
        assert page.status_code == 200
        assert "Example News" in page.text
        process.send_signal(stop_with)
        code = await asyncio.wait_for(process.wait(), STOP_DEADLINE)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    out = (await process.stdout.read()).decode()
    err = (await process.stderr.read()).decode()
    assert code == 0, err
    assert "Traceback" not in err
    assert DEMO_TOKEN not in out + err  # even a placeholder token is never shown
    removed = re.search(r"demo stopped; removed (\S+)", err)
    assert removed, err
    assert not await asyncio.to_thread(Path(removed[1]).exists)  # the throw-away store is gone
    assert not await asyncio.to_thread(os.listdir, tmp_path)  # nothing left where it started
