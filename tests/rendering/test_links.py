"""Which URLs become buttons or photos, and how they are spelled for Telegram."""

from __future__ import annotations

import pytest

from bot.rendering.links import safe_http_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.com/a?b=1&c=2", "https://example.com/a?b=1&c=2"),  # & is not escaped
        ("  http://example.com/x  ", "http://example.com/x"),
        ("HTTPS://Example.com/X", "https://Example.com/X"),
        ('https://example.com/a?q=<x>"y"', "https://example.com/a?q=%3Cx%3E%22y%22"),
        ("https://example.com/a b", "https://example.com/a%20b"),
        ("https://example.com/أخبار/1", "https://example.com/%D8%A3%D8%AE%D8%A8%D8%A7%D8%B1/1"),
        ("https://bücher.example/", "https://xn--bcher-kva.example/"),
        ("https://example.com/already%20encoded", "https://example.com/already%20encoded"),
        ("javascript:alert(1)", None),
        ("tg://resolve?domain=x", None),
        ("ftp://example.com/file", None),
        ("/relative/path", None),
        ("https://", None),
        ("https://[::1", None),
        ("https://example.com/\x00", None),
        ("https://exa mple.com/", None),
        ("https://example.com/" + "a" * 3000, None),
        ("", None),
        (None, None),
    ],
)
def test_safe_http_url(url: str | None, expected: str | None) -> None:
    assert safe_http_url(url) == expected
