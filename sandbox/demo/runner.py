"""The sandbox: the local Bot API double, a throw-away store, the real bot and the web page.

`open_sandbox` builds it all and tears it all down (tests use it directly); `run_demo` is what
`newsdesk demo` runs: the sandbox until Ctrl-C or SIGTERM. The bot is `build_application`'s,
unchanged, run by `running` — the only differences from production are in its settings
(API base URL, token placeholder, demo admin, short publishing interval, temporary store).
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import shutil
import signal
import socket
import tempfile
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.app import ErrorCallback, build_application, running
from bot.config import Settings
from bot.context import NewsdeskApp
from handlers.errors import report_error
from sandbox.demo.seed import (
    DEMO_ADMIN_ID,
    DEMO_CHANNEL_ID,
    DEMO_SUBSCRIBER_ID,
    DEMO_TOKEN,
    demo_settings,
    prepare_store,
)
from sandbox.demo.view import DemoView, Edition, Persona
from sandbox.demo.web import DemoServer
from sandbox.fakeapi import FakeTelegram

logger = logging.getLogger(__name__)

BOT_USERNAME = "newsdesk_bot"
HOST = "127.0.0.1"


@dataclass(frozen=True)
class Sandbox:
    """A running demo: where the page is, and the parts tests look at."""

    url: str
    fake: FakeTelegram
    settings: Settings
    app: NewsdeskApp
    view: DemoView
    workdir: Path


def _add_channels(fake: FakeTelegram, settings: Settings) -> list[Edition]:
    """Every configured channel in the double, the first one the site's; how to show each."""
    editions = []
    for index, channel in enumerate(settings.channels):
        chat = channel.chat_id
        title = settings.site.name if index == 0 else f"{settings.site.name} · {channel.name}"
        if isinstance(chat, int):
            fake.add_channel(username=None, chat_id=chat, title=title)
            editions.append(Edition(channel.name, chat, title, str(chat)))
            continue
        chat_id = DEMO_CHANNEL_ID - index  # a made-up id per @username, the site's first
        fake.add_channel(username=chat.removeprefix("@"), chat_id=chat_id, title=title)
        editions.append(Edition(channel.name, chat_id, title, chat))
    return editions


@asynccontextmanager
async def open_sandbox(
    *,
    port: int = 0,
    config: Path | None = None,
    host: str = HOST,
    error_handlers: Sequence[ErrorCallback] = (report_error,),
    webhook: bool = False,
) -> AsyncIterator[Sandbox]:
    """Start everything; on exit stop it all and delete the temporary directory.

    `error_handlers` is `build_application`'s own hook: tests pass one that records, so a
    handler that crashes fails the test instead of only being logged. `webhook`: the bot
    serves a webhook on a free loopback port and the double POSTs updates to it.
    """
    workdir = Path(tempfile.mkdtemp(prefix="newsdesk-demo-"))
    fake = FakeTelegram(bot_username=BOT_USERNAME, token=DEMO_TOKEN, host=host).start()
    try:
        hook = _webhook_section(host) if webhook else None
        settings = demo_settings(fake.base_url, workdir, config, hook)
        editions = _add_channels(fake, settings)
        personas = [
            Persona("subscriber", "Subscriber", fake.user(DEMO_SUBSCRIBER_ID, "Sam", "en")),
            Persona("admin", "Editor", fake.user(DEMO_ADMIN_ID, "Editor", "en", "editor")),
        ]
        await prepare_store(settings, workdir, config)
        view = DemoView(
            fake,
            channel_id=editions[0].chat_id,
            channel_title=editions[0].title,
            channel_handle=editions[0].handle,
            editions=editions,
            bot_username=BOT_USERNAME,
            tz=settings.site.tz,
            personas=personas,
        )
        app = build_application(settings, error_handlers=error_handlers)
        async with running(app):
            server = DemoServer(view, host, port)
            await server.start()
            try:
                yield Sandbox(server.url, fake, settings, app, view, workdir)
            finally:
                await server.close()
    finally:
        fake.stop()
        shutil.rmtree(workdir, ignore_errors=True)
        logger.info("demo stopped; removed %s", workdir)


def _webhook_section(host: str) -> dict[str, Any]:
    """`[webhook]` on a free port of `host` (loopback: the double delivers only there)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        port = int(sock.getsockname()[1])
    return {
        "url": f"http://{host}:{port}/telegram",
        "listen": host,
        "port": port,
        "secret_token": secrets.token_urlsafe(32),
    }


async def run_demo(
    *,
    port: int = 0,
    config: Path | None = None,
    ready: Callable[[str], None] | None = None,
    webhook: bool = False,
) -> None:
    """Run the sandbox until SIGINT or SIGTERM; `ready` gets the page's address."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)
    for sig in signals:
        loop.add_signal_handler(sig, stop.set)
    try:
        async with open_sandbox(port=port, config=config, webhook=webhook) as sandbox:
            logger.info("demo page at %s (bot @%s)", sandbox.url, BOT_USERNAME)
            if ready is not None:
                ready(sandbox.url)
            await stop.wait()
            logger.info("stopping the demo")
    finally:
        for sig in signals:
            loop.remove_signal_handler(sig)
