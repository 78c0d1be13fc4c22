"""The log handler redacts the token, and anything token-shaped, wherever a record carries it."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from bot.logs import setup_logging
from tests.support import OTHER_TOKEN

CONFIGURED = "123456:TEST-token-not-real"  # short: only known because it is configured
OTHER = OTHER_TOKEN


@pytest.fixture
def logger() -> Iterator[logging.Logger]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    setup_logging("DEBUG", CONFIGURED)
    yield logging.getLogger("tests.logs")
    root.handlers[:], root.level = handlers, level


def secrets_in(text: str) -> list[str]:
    parts = (CONFIGURED, CONFIGURED.split(":")[1], OTHER, OTHER.split(":")[1])
    return [part for part in parts if part in text]


def test_exception_messages_and_their_causes_are_redacted(
    logger: logging.Logger, capsys: pytest.CaptureFixture[str]
) -> None:
    try:
        try:
            raise ValueError(f"The token `{OTHER}` was rejected by the server.")
        except ValueError as inner:
            raise RuntimeError(f"while using {CONFIGURED}") from inner
    except RuntimeError:
        logger.exception("start failed for %s", f"https://api.telegram.org/bot{OTHER}/getMe")
    err = capsys.readouterr().err
    assert "The token `<token>` was rejected" in err  # the traceback is still there, redacted
    assert "start failed for https://api.telegram.org/bot<token>/getMe" in err
    assert secrets_in(err) == []


def test_stack_info_and_percent_encoded_tokens_are_redacted(
    logger: logging.Logger, capsys: pytest.CaptureFixture[str]
) -> None:
    token_arg = OTHER.replace(":", "%3A")
    logger.warning("relay %s", f"?t={token_arg}", stack_info=True)
    err = capsys.readouterr().err
    assert "relay ?t=<token>" in err
    assert "Stack (most recent call last)" in err
    assert secrets_in(err) == [] and token_arg not in err
