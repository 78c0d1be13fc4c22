"""Bylines: people's names only, each once, in their own casing."""

from __future__ import annotations

import pytest

from bot.ingest.bylines import clean_byline


@pytest.mark.parametrize(
    ("raw", "outlets", "expected"),
    [
        ("hardware@pcinpact.om", [], None),
        ("jdoe@x.com (Jane Doe)", [], "Jane Doe"),
        ("Jane Doe <jdoe@x.com>", [], "Jane Doe"),
        ("jonas@insanity.industries (Jonas Große Sundrup)", [], "Jonas Große Sundrup"),
        ("Jeffrey Gettleman; JEFFREY GETTLEMAN", [], "Jeffrey Gettleman"),
        ("JEFFREY GETTLEMAN; Jeffrey Gettleman", [], "Jeffrey Gettleman"),
        ("SPIEGEL ONLINE; Hamburg; Germany", [], None),
        ("MICHAEL D. SHEAR and DAVID E. SANGER", [], "MICHAEL D. SHEAR, DAVID E. SANGER"),
        ("By Jane Doe and John Roe", [], "Jane Doe, John Roe"),
        ("David Smith in Washington", [], "David Smith"),
        ("Ashifa Kassam in Stanstead, Quebec", [], "Ashifa Kassam"),
        (
            "Lenny Bernstein, illustration by Anna Parini for the washington post",
            [],
            "Lenny Bernstein",
        ),
        ("Macworld Staff, Glenn Fleishman", [], "Glenn Fleishman"),
        ("Canadian Press", [], None),
        ("Staff Writer", [], None),
        ("BreakingNews.ie", ["Business: BreakingNews.ie"], None),
        ("DER SPIEGEL", ["SPIEGEL Update – Die Nachrichten"], None),
        ("Business Insider", ["Business Insider"], None),
        ("Höglandsnytt", [], None),
        ("Sundsvalls Tidning", [], None),
        ("Author: Luke, most likely.", [], "Luke"),
        ("BeauHD", ["Slashdot"], "BeauHD"),
        ("Tomaž", [], "Tomaž"),
        ("Frank Boës", ["fboës - Der Blog | Startseite"], "Frank Boës"),
        ("Иван Петров", [], "Иван Петров"),
        ("محمد علي", [], "محمد علي"),
        ("Ludwig van Beethoven", [], "Ludwig van Beethoven"),
        ("Jason Burke Africa correspondent", [], "Jason Burke"),
        ("Julian Borger World affairs editor", [], "Julian Borger"),
        ("Google Inc.", ["Top stories - Google News"], None),
        ("", [], None),
        (None, [], None),
    ],
)
def test_bylines(raw: str | None, outlets: list[str], expected: str | None) -> None:
    assert clean_byline(raw, outlets=outlets) == expected
