"""A local fake Telegram Bot API server for tests and the demo sandbox.

Real python-telegram-bot code talks HTTP to it exactly as to api.telegram.org, so tests
exercise the bot's actual request encoding, error handling and retries, while the double keeps
the channel's state, validates content like Telegram and can misbehave on request.
"""

from sandbox.fakeapi.decode import UploadedFile
from sandbox.fakeapi.fake import FakeTelegram
from sandbox.fakeapi.faults import NOT_MODIFIED, ApiError, Fault
from sandbox.fakeapi.html import HtmlParseError, parse_html, utf16_len
from sandbox.fakeapi.models import FakeChat, FakeUser, PressRecord, RecordedCall, StoredMessage
from sandbox.fakeapi.server import redact
from sandbox.fakeapi.storm import PressStorm
from sandbox.fakeapi.webhook import WebhookTiming

__all__ = [
    "NOT_MODIFIED",
    "ApiError",
    "FakeChat",
    "FakeTelegram",
    "FakeUser",
    "Fault",
    "HtmlParseError",
    "PressRecord",
    "PressStorm",
    "RecordedCall",
    "StoredMessage",
    "UploadedFile",
    "WebhookTiming",
    "parse_html",
    "redact",
    "utf16_len",
]
