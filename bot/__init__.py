"""newsdesk: a Telegram channel bot for a news website."""

__version__ = "0.1.0"
