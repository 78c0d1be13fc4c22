"""Titles, leads and holds of real corpus items, checked against what their source files say."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain import ArticleDraft
from bot.ingest.feeds import parse_feed
from bot.ingest.lead import LEAD_MAX
from bot.ingest.pages import parse_html_page
from bot.rendering.text import utf16_len

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
TZ = ZoneInfo("Asia/Beirut")
NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@cache
def drafts(name: str) -> tuple[ArticleDraft, ...]:
    data = (CORPUS / "feeds" / name).read_bytes()
    return tuple(parse_feed(data, url=None, tz=TZ, now=NOW, source="c").drafts)


def item(name: str, title_start: str) -> ArticleDraft:
    found = [d for d in drafts(name) if d.title.startswith(title_start)]
    assert len(found) == 1, [d.title for d in drafts(name)]
    return found[0]


def test_nyt_lead_is_the_description_not_the_photo_caption() -> None:
    draft = item("nytimes_homepage.xml", "Putin Led a Complex Cyberattack")
    assert draft.summary == (
        "U.S. intelligence agencies presented their unanimous conclusions to Donald J. Trump, "
        "bringing the leaders of these agencies face to face with their most vocal skeptic, "
        "the president-elect."
    )
    captions = {d.summary for d in drafts("nytimes_homepage.xml")}
    assert (
        "President-elect Donald J. Trump left One World Trade Center after a meeting on "
        "Friday." not in captions
    )


@pytest.mark.parametrize("name", ["google_news_top.xml", "google_news_top.atom"])
def test_google_news_posts_no_coverage_list_and_no_publisher_suffix(name: str) -> None:
    draft = item(name, "In a major boost to Democrats")
    assert draft.title == (
        "In a major boost to Democrats, Manchin and Schumer announce deal for energy and health "
        "care bill"
    )
    assert not draft.summary and not draft.body  # the description is only other headlines
    assert not any(
        "View Full Coverage" in (d.summary or "") + (d.body or "") for d in drafts(name)
    )


def test_a_single_story_google_news_atom_item_loses_its_publisher_suffix() -> None:
    # The content is "<a>headline</a> <font>The New York Times</font><strong>View Full
    # Coverage…</strong>": the publisher runs into the coverage link with no space.
    draft = item("google_news_top.atom", "NASA Will Send More Helicopters")
    assert draft.title == "NASA Will Send More Helicopters to Mars"


def test_rue89_lead_stops_before_articles_en_rapport() -> None:
    draft = item("rue89_feedsportal.xml", "La DCRI censure une page")
    assert draft.summary is not None
    assert draft.summary.startswith("L’Encyclopédie de Diderot et D’Alembert")
    assert draft.summary.endswith("a été contraint de supprimer un…")
    assert "Articles en rapport" not in (draft.summary + (draft.body or ""))


@pytest.mark.parametrize(
    ("name", "title", "start", "absent"),
    [
        (
            "gzipped_body_invalid_chars.xml.gz",
            "NSOperation",
            "In life, there's always work to be done.",
            "NSOperationQueue",
        ),
        (
            "daringfireball.json",
            "Virgin Mobile Partners With Apple",
            "Josh Centers, writing for TidBITS on Virgin Mobile’s intriguing decision to go "
            "iPhone-only:\nPundits have long suspected that two roadblocks stood in the way of "
            "Apple becoming a carrier:",
            "★",
        ),
        ("intertwingly.atom", "Inhibiting Suspend", "The interface is a bit low level", "dbus"),
        ("huffpost_canada.xml", "Winnipeg High School", "Winnipeg high school student", "Amina"),
        (
            "lagrange_fr.atom",
            "L'hôtel particulier de Mozilla",
            "Mozilla France a déménagé dans de nouveaux locaux",
            "Our mission",
        ),
    ],
)
def test_full_content_feeds_lead_with_their_opening_prose(
    name: str, title: str, start: str, absent: str
) -> None:
    draft = item(name, title)
    assert draft.summary is not None
    assert draft.summary.startswith(start)
    assert absent not in draft.summary
    assert utf16_len(draft.summary) <= LEAD_MAX
    assert draft.summary.count("\n") <= 1  # one or two paragraphs


@pytest.mark.parametrize(
    ("name", "title", "end"),
    [
        ("wapo_wellness.xml", "Schools minister", "its poor eating habits."),
        ("slashdot.rdf", "SpaceX Working With Cloudflare", "between 5 and 20 Mbps."),
        ("guardian_us.xml", "Trump State of the Union", "the heart of the country’s politics."),
        ("spiegel_podcast_de.xml", "07.02. – die Wochenvorschau", "der SPIEGEL-Redaktion."),
        ("golem_iso8859-1.xml", "Let's Play: Twitch", "und Singwettbewerbe."),
        ("macworld_leading_ws.xml", "iOS 11.2: Beta 5", "seems increasingly unlikely."),
    ],
)
def test_boilerplate_is_gone_from_leads(name: str, title: str, end: str) -> None:
    draft = item(name, title)
    assert (draft.summary or "").endswith(end)
    assert not (draft.body or "").endswith(("Slashdot.", "Continue reading...", "click here"))


@pytest.mark.parametrize(
    ("name", "title", "end"),
    [
        ("pcmag_illegally_nested.xml", "My Professional Armchair", "over-covered by every media…"),
        ("3960_org_de.json", "„Sabine“ am Flughafen", "zusammenzufassen. …"),
        ("uol_noticias_latin1_undeclared.xml", "Apucarana garante", "continuidade em 2019. …"),
    ],
)
def test_publisher_cuts_end_at_a_word_with_an_ellipsis(name: str, title: str, end: str) -> None:
    assert (item(name, title).summary or "").endswith(end)


def test_adverts_are_held_with_a_reason() -> None:
    wapo = drafts("wapo_wellness.xml")
    adverts = [d for d in wapo if d.title == "Featured Advertiser"]
    assert adverts and all(d.hold_reason and "advertisement" in d.hold_reason for d in adverts)
    assert all(d.hold_reason is None for d in wapo if d.title != "Featured Advertiser")
    sponsor = item("daringfireball.json", "[Sponsor] Timing")
    assert sponsor.hold_reason and "advertisement" in sponsor.hold_reason


def test_mojibake_feed_is_repaired() -> None:
    parsed = parse_feed(
        (CORPUS / "feeds/yandex_news_moscow_mojibake.xml").read_bytes(),
        url=None,
        tz=TZ,
        now=NOW,
        source="c",
    )
    assert parsed.feed_title == "Яндекс.Новости: Москва"
    first = parsed.drafts[0]
    assert first.title == "В Москве из-за сильных морозов объявлен «оранжевый» уровень опасности"
    lead = " ".join((first.summary or "").split())  # ftfy restores the source's no-break spaces
    assert lead.startswith("В Москве, Подмосковье и Костромской области")
    assert all(d.hold_reason is None for d in parsed.drafts)


def test_unrepairable_mojibake_is_held() -> None:
    # The yandex capture with its C1 bytes stripped, as a lossy proxy would leave it.
    data = (CORPUS / "feeds/yandex_news_moscow_mojibake.xml").read_bytes()
    lossy = data.decode("utf-8").translate({c: None for c in range(0x80, 0xA0)}).encode()
    held = parse_feed(lossy, url=None, tz=TZ, now=NOW, source="c").drafts
    assert held and all((d.hold_reason or "").startswith("text looks garbled: ") for d in held)


@pytest.mark.parametrize(
    ("page", "title"),
    [
        ("aktualne_cz.html", "West Ham hrozí gigantům, okouzlil i Linekera. Součka je snadné "
         "přehlédnout"),
        ("youm7_eg_ar.html", "وزير الرى يشهد توقيع عقد دراسة تحديد السحب الآمن للخزانات الجوفية "
         "مع جامعة القاهرة"),
        ("asahi_jp.html", "宮崎県で震度5弱、高知と宮崎に1メートルの津波注意報 気象庁"),
    ],
)  # fmt: skip
def test_page_titles_lose_the_site_name(page: str, title: str) -> None:
    data = (CORPUS / "pages" / page).read_bytes()
    assert parse_html_page(data, url=None, tz=TZ, now=NOW, source="p").title == title
