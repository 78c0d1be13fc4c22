"""Boilerplate removal and advert detection on snippets taken from the corpus feeds."""

from __future__ import annotations

import pytest

from bot.ingest.boilerplate import advert_reason, clean_blocks, strip_tails
from bot.ingest.normalise import extract_html


def cleaned(html: str) -> list[str]:
    return [block.text for block in clean_blocks(extract_html(html).blocks)]


@pytest.mark.parametrize(
    ("html", "kept"),
    [
        (  # wapo_wellness.xml
            "<p>You’ve just been appointed Minister of Fitness.</p>\n"
            '<a href="http://www.washingtonpost.com/x">Read full article  &gt;&gt;</a>'
            '<br clear="both"/><br clear="both"/>',
            ["You’ve just been appointed Minister of Fitness."],
        ),
        (  # slashdot.rdf
            "Upload speeds range between 5 and 20 Mbps.<p><div class='share_submission'></div>"
            '</p><p><a href="https://slashdot.org/story/x">Read more of this story</a> at '
            "Slashdot.</p><iframe src='https://slashdot.org/slashdot-it.pl'></iframe>",
            ["Upload speeds range between 5 and 20 Mbps."],
        ),
        (  # guardian_us.xml
            "<p>The president’s speech stirred applause</p><p>Donald Trump has promised a "
            "“new American moment”.</p><p><span>Related: </span><a href='x'>Fact check: "
            "Donald Trump's State of the Union address analyzed</a></p>"
            "<a href='x'>Continue reading...</a>",
            [
                "The president’s speech stirred applause",
                "Donald Trump has promised a “new American moment”.",
            ],
        ),
        (  # macworld_leading_ws.xml
            "<p>Keys are yesterday’s tech.</p><p><a href='x'>To read this article in full, "
            "please click here</a></p>",
            ["Keys are yesterday’s tech."],
        ),
        (  # the WordPress footer
            "<p>Sony announced the camera.</p><p>The post <a href='x'>Sony A7 IV review</a> "
            "appeared first on <a href='y'>Camera Jabber</a>.</p>",
            ["Sony announced the camera."],
        ),
        (  # spiegel_podcast_de.xml, a plain-text description with line breaks
            "Die wichtigsten Nachrichten aus der SPIEGEL-Redaktion.<br><br>"
            "See omnystudio.com/listener for privacy information.",
            ["Die wichtigsten Nachrichten aus der SPIEGEL-Redaktion."],
        ),
        (  # rue89_feedsportal.xml
            "<p>Un contributeur a été contraint de supprimer un article.</p>"
            "<div class='mf-related'><p>Articles en rapport</p><ul><li><a href='x'>Politiques, "
            "flics, voyous</a></li><li><a href='y'>Itinéraire d’un commissaire ripou</a></li>"
            "</ul></div>",
            ["Un contributeur a été contraint de supprimer un article."],
        ),
        (  # daringfireball.json: the permalink star closes every post
            "<p>Two great examples via the very fun Made With ARKit Twitter account.</p>\n\n"
            "<p><a href='https://daringfireball.net/linked/x'>&#9733;</a></p>",
            ["Two great examples via the very fun Made With ARKit Twitter account."],
        ),
        (  # huffpost_canada.xml: a closing heading for stories the feed left out
            "<p>It was an experience I'll never forget.</p><p>Also on HuffPost:</p>",
            ["It was an experience I'll never forget."],
        ),
    ],
)
def test_notices_and_related_lists_are_removed(html: str, kept: list[str]) -> None:
    assert cleaned(html) == kept


def test_article_text_that_mentions_the_words_is_kept() -> None:
    text = [
        "Read more books, the minister said, and continue reading at home.",
        "Two links in one paragraph: <a href='a'>here</a> and there.",
        "A remark in brackets (Via Kottke.)",
    ]
    assert cleaned("".join(f"<p>{line}</p>" for line in text)) == [
        "Read more books, the minister said, and continue reading at home.",
        "Two links in one paragraph: here and there.",
        "A remark in brackets (Via Kottke.)",
    ]


def test_a_summary_wrapped_in_one_link_is_still_text() -> None:
    assert cleaned("<a href='x'>The whole summary is a link to the story.</a>") == [
        "The whole summary is a link to the story."
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (  # golem_iso8859-1.xml
            "Anders die offizielle Companion App: In einigen ihrer Daten gibt es Hinweise auf "
            "die Umsetzung. (Red Dead Redemption 2, Red Dead Redemption)",
            "Anders die offizielle Companion App: In einigen ihrer Daten gibt es Hinweise auf "
            "die Umsetzung.",
        ),
        ("Singwettbewerbe. (Twitch, Amazon)", "Singwettbewerbe."),
        (
            "Xiaomi zeigt ein neues Telefon. (Xiaomi, Smartphone)",
            "Xiaomi zeigt ein neues Telefon.",
        ),
        ("The gist of it. Read more »", "The gist of it."),
        # Not a topic list: a parenthesis inside the sentence, or one with a sentence in it.
        ("It was cold (minus 20, the coldest day).", "It was cold (minus 20, the coldest day)."),
        (
            "He said so. (The company declined to comment on the report.)",
            "He said so. (The company declined to comment on the report.)",
        ),
    ],
)
def test_tails(text: str, expected: str) -> None:
    assert strip_tails(text) == expected


@pytest.mark.parametrize(
    ("title", "url"),
    [
        ("Featured Advertiser", "http://ads.pheedo.com/click.phdo?s=cc0c5fb&p=4"),  # wapo
        ("[Sponsor] Timing — Automatic Time Tracking for Mac", "https://timingapp.com/"),  # DF
        ("Sponsored: Five ways to save", "https://news.example/a"),
        ("Anzeige: Die besten Angebote", "https://news.example/b"),
        ("Winter offers", "https://ad.doubleclick.net/ddm/clk/123"),
    ],
)
def test_adverts_are_named(title: str, url: str) -> None:
    assert advert_reason(title, url)


@pytest.mark.parametrize(
    "title",
    ["Sponsorship deals fall", "Advertisers flee the platform", "Featured: a new advertiser"],
)
def test_news_about_adverts_is_news(title: str) -> None:
    assert advert_reason(title, "https://news.example/story") is None
