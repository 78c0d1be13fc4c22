"""The container's HEALTHCHECK (deploy/healthcheck.py) against newsdesk's real health server.

The script runs as Docker runs it, a child process reading $NEWSDESK_CONFIG; the server is
bot.metrics.web's, serving the same routes a bot serves. A probe stands in for the running bot
(only /healthz is asked, which answers without one).
"""

from __future__ import annotations

import asyncio
import re
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.metrics.instruments import Metrics
from bot.metrics.web import MetricsServer, health_routes
from tests.deploy.compose_cli import DEPLOY, ROOT

SCRIPT = DEPLOY / "healthcheck.py"


class IdleProbe:
    """A bot with nothing to report."""

    def __init__(self) -> None:
        self.metrics = Metrics()

    async def not_ready(self) -> str | None:
        return None

    async def refresh(self) -> None:
        return None


@pytest.fixture
async def health_port() -> AsyncIterator[int]:
    server = MetricsServer(health_routes(IdleProbe()), host="127.0.0.1", port=0)
    await server.start()
    assert server.port
    yield server.port
    await server.stop()


async def check(config: Path | None, tmp_path: Path) -> tuple[int, str]:
    """Run the healthcheck as Docker would; its exit code and its line."""
    env = {"PATH": "/usr/bin:/bin", "NEWSDESK_CONFIG": str(config or tmp_path / "missing.toml")}
    child = await asyncio.create_subprocess_exec(
        sys.executable, str(SCRIPT), env=env, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await asyncio.wait_for(child.communicate(), timeout=30)
    assert child.returncode is not None
    return child.returncode, out.decode().strip()


def config_file(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


async def test_webhook_server_on_every_interface_is_asked_on_loopback(
    health_port: int, tmp_path: Path
) -> None:
    config = config_file(tmp_path, f'[webhook]\nlisten = "0.0.0.0"\nport = {health_port}\n')
    code, line = await check(config, tmp_path)
    assert (code, line) == (0, f"healthy: http://127.0.0.1:{health_port}/healthz")


async def test_polling_bot_with_metrics_port(health_port: int, tmp_path: Path) -> None:
    config = config_file(tmp_path, f"[metrics]\nport = {health_port}\n")
    assert (await check(config, tmp_path))[0] == 0


async def test_nothing_listening_is_unhealthy(tmp_path: Path) -> None:
    server = MetricsServer(health_routes(IdleProbe()), host="127.0.0.1", port=0)
    await server.start()
    port = server.port
    await server.stop()  # the port was free a moment ago; now nothing answers on it
    code, line = await check(config_file(tmp_path, f"[metrics]\nport = {port}\n"), tmp_path)
    assert code == 1 and line.startswith(f"unhealthy: http://127.0.0.1:{port}/healthz")


async def test_listen_on_every_ipv6_interface_is_asked_on_ipv6_loopback(
    health_port: int, tmp_path: Path
) -> None:
    # The server listens on 127.0.0.1 only, so asking [::1] must find nobody.
    config = config_file(tmp_path, f'[webhook]\nlisten = "::"\nport = {health_port}\n')
    code, line = await check(config, tmp_path)
    assert code == 1 and line.startswith(f"unhealthy: http://[::1]:{health_port}/healthz")


async def test_polling_without_metrics_is_not_checked(tmp_path: Path) -> None:
    config = config_file(tmp_path, '[telegram]\nchannel = "@example_news"\n')
    code, line = await check(config, tmp_path)
    assert code == 0 and "not checked" in line


async def test_unreadable_config_is_unhealthy(tmp_path: Path) -> None:
    code, line = await check(None, tmp_path)
    assert code == 1 and "cannot read the config" in line


def test_the_image_runs_this_script_and_listens_on_the_webhook_port() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    copied = re.search(r"^COPY deploy/healthcheck.py (\S+)$", dockerfile, re.M)
    assert copied, "the Dockerfile must copy the healthcheck into the image"
    assert re.search(rf'^\s+CMD \["python", "{copied.group(1)}"\]$', dockerfile, re.M)
    assert re.search(r"^EXPOSE 8443$", dockerfile, re.M)
    assert dockerfile.index("HEALTHCHECK") < dockerfile.index('CMD ["newsdesk", "run"]')
