"""Every corpus article page, and the site's own text page, through the real page readers."""

from __future__ import annotations

import csv
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.ingest.pages import parse_html_page
from bot.ingest.textpage import parse_text_page

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
TZ = ZoneInfo("Asia/Beirut")
NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)

with (CORPUS / "MANIFEST.tsv").open(encoding="utf-8") as _f:
    MANIFEST = {row["file"]: row for row in csv.DictReader(_f, delimiter="\t")}
PAGES = sorted(name for name in MANIFEST if name.startswith("pages/"))
RTL = {name for name in PAGES if MANIFEST[name]["language"].split("-")[0] in {"ar", "fa"}}
_ARABIC_SCRIPT = re.compile(r"[\u0600-\u06ff]")
_MOJIBAKE = re.compile(r"[ÃÂØÙ][\u0080-\u00bf]")


def test_the_corpus_has_24_pages_7_of_them_rtl() -> None:
    assert len(PAGES) == 24
    assert len(RTL) == 7


@pytest.mark.parametrize("name", PAGES)
def test_every_page_yields_a_title_and_a_body(name: str) -> None:
    draft = parse_html_page((CORPUS / name).read_bytes(), url=None, tz=TZ, now=NOW, source="t")
    assert draft.title.strip()
    assert len(draft.body or "") > 200
    assert not _MOJIBAKE.search(draft.title + (draft.body or ""))
    if name in RTL:
        letters = [ch for ch in draft.body or "" if ch.isalpha()]
        arabic = sum(1 for ch in letters if _ARABIC_SCRIPT.match(ch))
        assert arabic / len(letters) > 0.8
        assert _ARABIC_SCRIPT.search(draft.title)


def test_persian_zero_width_non_joiners_survive() -> None:
    # trafilatura alone deletes U+200C, which changes how Persian words are written.
    raw = (CORPUS / "pages/khabaronline_ir_fa.html").read_bytes()
    draft = parse_html_page(raw, url=None, tz=TZ, now=NOW, source="t")
    assert "\u200c" in (draft.body or "")


def test_legacy_encodings_and_a_lying_charset_decode_correctly() -> None:
    elmundo = parse_html_page(
        (CORPUS / "pages/elmundo_es_iso8859-15.html").read_bytes(),
        url=None,
        tz=TZ,
        now=NOW,
        source="t",
    )
    assert "negociación" in elmundo.title
    qq = parse_html_page(
        (CORPUS / "pages/qq_zh_charset_mismatch.html").read_bytes(),
        url=None,
        tz=TZ,
        now=NOW,
        source="t",
    )
    assert "人工智能" in qq.title


def test_page_metadata_is_read() -> None:
    reuters = parse_html_page(
        (CORPUS / "pages/reuters_2020.html").read_bytes(), url=None, tz=TZ, now=NOW, source="t"
    )
    assert reuters.title.startswith("'Parasite' scores historic upset")
    assert reuters.byline == "Jill Serjeant"
    assert reuters.published_at.date().isoformat() == "2020-01-19"
    assert reuters.image_url and reuters.image_url.startswith("https://")
    assert reuters.language == "en"


def test_the_sites_sample_text_page() -> None:
    text = (CORPUS / "site_sample_article-page.txt").read_text(encoding="utf-8")
    draft = parse_text_page(text, tz=TZ, now=NOW, source="import")
    assert draft.title == "Russia, North Korea Strengthen Ties in Pyongyang Meeting"
    assert draft.category == "International News"
    assert draft.byline == "Staff, Agencies"
    assert draft.published_at == NOW - timedelta(days=60)
    body = draft.body or ""
    paragraphs = body.split("\n\n")
    assert len(paragraphs) == 9
    assert paragraphs[0].startswith("Russia’s Security Council Secretary, Sergei Shoigu")
    assert paragraphs[-1].endswith("expansion of US-led military alliances in the region.")
    chrome = ["No Script", "Please Wait", "Al-Ahed Telegram", "folder_open", "access_time"]
    chrome += ["Add to favorites", "Comments", "Breaking news"]
    for piece in chrome:
        assert piece not in body
