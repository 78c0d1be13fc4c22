"""Metadata of specific corpus items, decided by reading the source files (issue 17, 3–8).

Each expectation says what a careful editor would want the post to carry: the article's own
URL without tracking, its own photo (not a share button, an ad or the feed's logo), its time
in the feed's offset, the people who wrote it, and a section as hashtag.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.domain import ArticleDraft
from bot.ingest.entries import ParsedFeed
from bot.ingest.feeds import parse_feed
from bot.rendering.hashtags import hashtag

FEEDS = Path(__file__).resolve().parents[1] / "corpus" / "feeds"
NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


@cache
def parsed(name: str) -> ParsedFeed:
    return parse_feed(
        (FEEDS / name).read_bytes(), url=None, tz=ZoneInfo("Asia/Beirut"), now=NOW, source="c"
    )


def item(name: str, title_start: str) -> ArticleDraft:
    return next(d for d in parsed(name).drafts if d.title.startswith(title_start))


@pytest.mark.parametrize(
    ("name", "title", "url"),
    [
        # <link> ends in ?partner=rss&emc=rss; the permalink guid is the clean URL.
        (
            "nytimes_homepage.xml",
            "Putin Led a Complex Cyberattack",
            "http://www.nytimes.com/2017/01/06/us/politics/donald-trump-wall-hack-russia.html",
        ),
        # FeedBurner ~r/ link; feedburner:origLink carries ?feedType=RSS&feedName=worldNews.
        (
            "reuters_world_feedburner.xml",
            "Iraq says deal reached",
            "http://www.reuters.com/article/us-mideast-crisis-iraq-turkey-abadi-idUSKBN14R0D4",
        ),
        (
            "macworld_leading_ws.xml",
            "iOS 11.2: Beta 5",
            "https://www.macworld.com/article/3235804/ios/"
            "ios-112-features-release-date-and-how-to-install.html",
        ),
        (
            "slashdot.rdf",
            "SpaceX Working With Cloudflare",
            "https://tech.slashdot.org/story/23/08/23/2238246/"
            "spacex-working-with-cloudflare-to-speed-up-starlink-service",
        ),
        (
            "heise_developer.atom",
            "Java-Anwendungsserver: Red Hat gibt WildFly 10 frei",
            "http://www.heise.de/developer/meldung/"
            "Java-Anwendungsserver-Red-Hat-gibt-WildFly-10-frei-3088438.html",
        ),
        (
            "dailymail_media_dupes_iso8859-1.xml",
            "Could the infamous Black Dahlia",
            "http://www.dailymail.co.uk/news/article-2272640/Could-infamous-Black-Dahlia-case-"
            "solved-Cadaver-dog-discovers-death-scent-Hollywood-home-suspect-66-years-horrific-"
            "murder.html",
        ),
        # pheedo:origLink ends in ?wprss=rss_wellness.
        (
            "wapo_wellness.xml",
            "Schools minister to kids",
            "http://www.washingtonpost.com/lifestyle/wellness/schools-minister-to-kids-fitness-"
            "and-nutrition-needs/2012/08/21/0ca90d46-e6eb-11e1-936a-b801f1abab19_story.html",
        ),
        # feedsportal writes the real URL into the /l/ path segment.
        (
            "rue89_feedsportal.xml",
            "Quand Jérôme Cahuzac",
            "http://www.rue89.com/zapnet/2013/04/06/"
            "quand-jerome-cahuzac-trouvait-presence-finissait-rejaillir-241244",
        ),
        # retriever-info.com/go/?…&u=<the article>
        (
            "retriever_sv_iso8859-1.xml",
            "SVART MÅNAD",
            "http://www.hoglandsnytt.se/svart-manad-dodsolycka-i-vetlanda/",
        ),
        # An empty <item /> nested in every item hid feedburner:origLink; ?kc= is a campaign code.
        (
            "pcmag_illegally_nested.xml",
            "Microsoft Phone: Bend, Fold",
            "http://www.pcmag.com/article2/0,2817,2525037,00.asp",
        ),
        (
            "nextinpact_full_content.xml",
            "OVH propose la location",
            "http://www.nextinpact.com/news/"
            "87546-ovh-propose-location-serveurs-dedies-a-semaine-sans-engagement.htm",
        ),
    ],
)
def test_read_more_is_the_canonical_article_url(name: str, title: str, url: str) -> None:
    assert item(name, title).url == url


def test_a_redirector_without_the_real_url_inside_is_kept() -> None:
    google = item("google_news_top.xml", "In a major boost to Democrats")
    assert (google.url or "").startswith("https://news.google.com/__i/rss/rd/articles/CBMi")


@pytest.mark.parametrize(
    ("name", "title", "photo"),
    [
        ("slashdot.rdf", "SpaceX Working With Cloudflare", None),  # twitter_icon_large.png
        ("wapo_wellness.xml", "Schools minister to kids", None),  # pheedo facebook.gif
        ("wapo_wellness.xml", "Featured Advertiser", None),  # ads.pheedo.com img.phdo
        ("spiegel_podcast_de.xml", "07.02.", None),  # the podcast's own cover
        ("3960_org_de.json", "Lecker, lecker", None),  # the blog's favicon, a stats pixel
        (
            "guardian_us.xml",  # media:content width 140 and 460: the larger
            "Trump State of the Union address",
            "https://i.guim.co.uk/img/media/b73c8752cd4667c923dff7f1542f1fb20089e421/"
            "0_108_3000_1799/master/3000.jpg?w=460&q=55&auto=format&usm=12&fit=max"
            "&s=a606a273a90104e57b1e09bc4c0a1e11",
        ),
        (
            "macworld_leading_ws.xml",
            "iOS 11.2: Beta 5",
            "https://images.idgesg.net/images/article/2017/11/"
            "ios-11-ipad-iphone-100740804-large.3x2.jpg",
        ),
        (
            "techcrunch_feedburner.xml",  # media:thumbnail = media:content: the startup's logo
            "Womply’s New Deals",
            "http://tctechcrunch2011.files.wordpress.com/2011/11/womply-logo.png?w=150",
        ),
        (
            "livemint_news.xml",  # plain <thumbnail>/<smallimage>/<bigimage>: the 600x338 one
            "Singapore dethrones US",
            "https://images.livemint.com/img/2019/05/28/600x338/singapore_1559072663725.jpg",
        ),
        (
            "ilgiornale.xml",  # only inside the description's HTML
            "Arrestato in Pakistan",
            "https://img.ilgcdn.com/sites/default/files/styles/md/public/foto/2022/09/30/"
            "1664568527-schermata-2022-09-30-214250.jpg?_=1664568527",
        ),
    ],
)
def test_the_photo_is_the_articles_own(name: str, title: str, photo: str | None) -> None:
    assert item(name, title).image_url == photo


@pytest.mark.parametrize(
    ("name", "title", "byline"),
    [
        ("nytimes_homepage.xml", "Putin Led a Complex", "MICHAEL D. SHEAR, DAVID E. SANGER"),
        ("guardian_us.xml", "Trump State of the Union address", "David Smith"),
        ("guardian_us.xml", "Gun-smuggling case", "Ashifa Kassam"),
        ("nextinpact_full_content.xml", "OVH propose la location", None),
        ("relative_links_xmlbase.xml", "Pareto-optimal compression", "Jonas Große Sundrup"),
        ("wapo_wellness.xml", "Obama’s health-care law", "Lenny Bernstein"),
        ("macworld_leading_ws.xml", "Face ID on the iPhone X", "Glenn Fleishman"),
        ("breakingnews_ie_feedburner.xml", "Higher wages push stocks", None),
        ("retriever_sv_iso8859-1.xml", "Green Cargo", None),
        ("huffpost_canada.xml", "Winnipeg High School", None),
        ("spiegel_podcast_de.xml", "07.02.", None),
        ("slashdot.rdf", "SpaceX Working With Cloudflare", "BeauHD"),
        ("lukedorny_escaped_uris.json", "New Font", "Luke"),
        # ret:byline is the writer; <author> (= ret:source) is the outlet.
        ("retriever_sv_iso8859-1.xml", "Hat-trick av Helsingborgspolisen", "Heidi Bodensjö"),
        ("intertwingly.atom", "Hacked", "Sam Ruby"),  # Atom entries inherit the feed's author
        ("heise_developer.atom", "Ungewisse Zukunft", None),  # feed author "heise online"
        ("google_news_top.atom", "NASA Will Send", None),  # feed author "Google Inc."
    ],
)
def test_the_byline_is_people_only(name: str, title: str, byline: str | None) -> None:
    assert item(name, title).byline == byline


@pytest.mark.parametrize(
    ("name", "title", "tag"),
    [
        ("nytimes_homepage.xml", "Putin Led a Complex", "#CyberattacksAndHackers"),
        ("guardian_us.xml", "Trump State of the Union address", "#USNews"),
        ("wapo_wellness.xml", "Prince William County wellness calendar", "#Wellness"),
        ("macworld_leading_ws.xml", "iOS 11.2: Beta 5", "#iOS"),
        # WordPress: the primary category is "News" (generic), so none; 5G and Japan are tags.
        ("malformed_leading_ws_decl.xml", "Japan’s plans for 5G", None),
        ("slashdot.rdf", "Amazon Sues Online Stores", "#Yro"),  # slash:section, not dc:subject
        ("techcrunch_feedburner.xml", "Maybe BBM Music", "#Mobile"),
        ("techcrunch_feedburner.xml", "Google Launches Native Gmail", None),  # only "TC"
        ("huffpost_canada.xml", "Winnipeg High School", "#Living"),  # Living/living/LIVING
        ("rue89_feedsportal.xml", "La BBC découvre", None),  # lowercase keyword tags
        ("mirror_world.xml", "Sickening video shows crocodile", "#WorldNews"),
        ("oren_ru_windows1251.xml", "В Бузулуке", None),  # "Раздел Новости/" = "News section"
    ],
)
def test_the_hashtag_is_a_section(name: str, title: str, tag: str | None) -> None:
    assert hashtag(item(name, title).category) == tag


def test_a_zone_less_item_time_uses_the_channels_offset() -> None:
    hindi = item("news18_hindi_odd_dates.xml", "कैसे फैला कोरोना वायरस")
    # <pubDate>Friday, January 29, 2021 04:42 PM</pubDate>; lastBuildDate says +0530.
    assert hindi.published_at.utcoffset() == timedelta(hours=5, minutes=30)
    assert hindi.published_at == datetime(2021, 1, 29, 11, 12, tzinfo=UTC)


def test_a_feed_without_dates_is_held() -> None:
    heise = item("heise_rss090.rdf", "Facebook f8: Künstliche Intelligenz")
    assert heise.hold_reason == "no publication date"


def test_an_untitled_undated_item_is_titled_by_its_first_sentence_and_held() -> None:
    (draft,) = parsed("hebrew_windows1255_snippet.xml").drafts
    assert draft.title == (
        "האם תדפיס נייר של אתר אינטרנט שמוצג על מסך משתמש הוא העתק נאמן למקור של אתר האינטרנט?"
    )
    assert draft.summary is not None and draft.summary.startswith("האם תדפיס נייר")
    assert draft.hold_reason == "no publication date"
