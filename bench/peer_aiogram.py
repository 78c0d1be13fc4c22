"""The yardstick of bench/burst.py: a bare aiogram 3 bot that only answers ⭐ presses.

No store, no rendering, no rate limiter: a callback-query handler answering with a toast, on
aiogram's own aiohttp session, polling the same fake Bot API newsdesk is measured against. What
it answers per second under the same storm is the most a Python bot on this machine can expect
to answer without doing any work; newsdesk, which saves each press, is held to a share of it
(issue 12). Runs as its own process until SIGTERM or SIGINT.

    .venv/bin/python bench/peer_aiogram.py --api http://127.0.0.1:PORT --token TOKEN
"""

from __future__ import annotations

import argparse
import asyncio
import logging

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.types import CallbackQuery


async def main(api: str, token: str) -> None:
    """Answer every press until a stop signal; pending updates from before are dropped."""
    session = AiohttpSession(api=TelegramAPIServer.from_base(api))
    bot = Bot(token, session=session)
    dispatcher = Dispatcher()

    @dispatcher.callback_query()
    async def save_favorite(query: CallbackQuery) -> None:
        await query.answer("Saved to your favorites")

    await bot.delete_webhook(drop_pending_updates=True)
    print("peer polling", flush=True)
    await dispatcher.start_polling(bot, allowed_updates=["callback_query"], handle_signals=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--api", required=True, help="the fake's root URL (no /bot)")
    parser.add_argument("--token", required=True)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    asyncio.run(main(args.api, args.token))
