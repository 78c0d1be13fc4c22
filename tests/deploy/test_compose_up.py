"""deploy/compose.yaml brought up for real: PostgreSQL, two workers, Caddy, ready through TLS.

Where a Docker engine runs, this builds the images, starts the deployment with
tests/deploy/bringup/compose.override.yaml (a fake Bot API beside each worker instead of
Telegram, https://localhost from Caddy's internal CA on 127.0.0.1:18443), waits until
`/readyz` answers 200 *through the proxy* — so PostgreSQL was healthy, each worker migrated the
store, set its webhook and passed Caddy's health check — checks both workers answer, then takes
everything down with its volumes. Where no engine runs (this project's machines: the docker CLI
is installed, its daemon is not), it skips saying so.
"""

from __future__ import annotations

import ssl
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.deploy.compose_cli import (
    BRINGUP,
    COMPOSE_FILE,
    NO_COMPOSE,
    clean_env,
    compose_command,
    run_compose,
)

PROJECT = "newsdesk-bringup-test"
FILES = (COMPOSE_FILE, BRINGUP / "compose.override.yaml")
PROXY = "https://localhost:18443"
# Image builds on a cold cache and the first migration take minutes, not seconds.
UP_DEADLINE_SECONDS = 600
READY_DEADLINE_SECONDS = 180
ASK_READYZ = (
    "import urllib.request as u; "
    "print(u.urlopen('http://127.0.0.1:8443/readyz', timeout=5).read().decode())"
)


def engine_running() -> bool:
    try:
        done = subprocess.run(
            ["docker", "info"], capture_output=True, timeout=30, env=clean_env(), check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


@pytest.fixture
def deployment(tmp_path: Path) -> Iterator[list[str]]:
    if not engine_running():
        pytest.skip("no Docker engine on this machine (`docker info` fails): nothing to bring up")
    compose = compose_command()
    if compose is None:
        pytest.skip(NO_COMPOSE)
    env_file = tmp_path / "bringup.env"
    env_file.write_text(
        "NEWSDESK_TOKEN=123456:bringup-test-token\n"
        "NEWSDESK_WEBHOOK_SECRET=bringup-test-secret\n"
        "NEWSDESK_DATABASE_PASSWORD=bringup-test-password\n"
        "NEWSDESK_DOMAIN=localhost\n",
        encoding="utf-8",
    )
    project = [*compose, "-p", PROJECT]
    try:
        up = run_compose(
            project,
            "up",
            "-d",
            "--build",
            env_file=env_file,
            files=FILES,
            timeout=UP_DEADLINE_SECONDS,
        )
        assert up.returncode == 0, up.stderr[-4000:]
        files = [part for file in FILES for part in ("-f", str(file))]
        yield [*project, *files, "--env-file", str(env_file)]
    finally:
        logs = run_compose(
            project, "logs", "--no-color", "--tail", "50", env_file=env_file, files=FILES
        )
        sys.stdout.write(logs.stdout[-8000:])  # pytest shows it when the test failed
        run_compose(project, "down", "-v", "--remove-orphans", env_file=env_file, files=FILES)


def get(url: str) -> tuple[int, str]:
    """GET over TLS from Caddy's internal CA (not in the system's trust store)."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with urllib.request.urlopen(url, timeout=5, context=context) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()
    except OSError as exc:
        return 0, str(exc)


def test_the_deployment_becomes_ready_through_the_proxy(deployment: list[str]) -> None:
    deadline = time.monotonic() + READY_DEADLINE_SECONDS
    status, body = 0, ""
    while time.monotonic() < deadline:
        status, body = get(f"{PROXY}/readyz")
        if status == 200:
            break
        time.sleep(1)  # polling a condition with a deadline, not a fixed wait
    assert (status, body.strip()) == (200, "ready"), body
    # Both workers ready, not just one: each is asked from inside its own container.
    for worker in ("worker1", "worker2"):
        done = subprocess.run(
            [*deployment, "exec", "-T", worker, "python", "-c", ASK_READYZ],
            capture_output=True,
            text=True,
            timeout=60,
            env=clean_env(),
            check=False,
        )
        assert done.returncode == 0 and done.stdout.strip() == "ready", done.stdout + done.stderr
    # Only the webhook path and /readyz are public.
    assert get(f"{PROXY}/metrics")[0] == 404
