"""How the bot talks HTTP to the Bot API: aiohttp under python-telegram-bot, and a lean lane for
the answers a storm of ⭐ presses needs."""
