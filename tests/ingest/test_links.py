"""Read more links: tracking removed, redirectors unwrapped, stored keys unchanged."""

from __future__ import annotations

import pytest

from bot.identity import article_guid
from bot.ingest.links import canonical_link, clean_url, strip_tracking, unwrap_redirect


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        (
            "https://news.example/story-3.html?utm_source=rss&utm_medium=feed",
            "https://news.example/story-3.html",
        ),
        (
            "http://www.nytimes.com/2017/01/06/us/politics/x.html?partner=rss&emc=rss",
            "http://www.nytimes.com/2017/01/06/us/politics/x.html",
        ),
        ("https://h.example/a?id=7&utm_campaign=x&page=2", "https://h.example/a?id=7&page=2"),
        ("https://h.example/a?b=2&a=1&fbclid=XYZ", "https://h.example/a?b=2&a=1"),
        (
            "https://h.example/a?gclid=1&dclid=2&msclkid=3&mc_cid=4&mc_eid=5&_ga=6",
            "https://h.example/a",
        ),
        (
            "http://heise.example/m-1.html?wt_mc=rss.ho.beitrag.rdf",
            "http://heise.example/m-1.html",
        ),
        ("https://h.example/a?WT.mc_id=rss&WT.z=1&x=1", "https://h.example/a?x=1"),
        (
            "http://dm.example/a.html?ITO=1490&ns_mchannel=rss&ns_campaign=1490",
            "http://dm.example/a.html",
        ),
        ("https://h.example/a?ns_source=a&ns_linkname=b&ns_fee=0", "https://h.example/a"),
        ("http://r.example/a-idUS1?feedType=RSS&feedName=worldNews", "http://r.example/a-idUS1"),
        ("https://h.example/a?cmpid=rss&ocid=x&smid=tw&CMP=twt_gu", "https://h.example/a"),
        ("https://h.example/a?ref=rss", "https://h.example/a"),
        ("https://h.example/a?ref=homepage", "https://h.example/a?ref=homepage"),
        (
            "https://z.example/0,2817,25,00.asp?kc=PCRSS03079TX1K0000584",
            "https://z.example/0,2817,25,00.asp",
        ),
        ("https://h.example/a?src=rss&page=2", "https://h.example/a?page=2"),
        ("https://mw.example/article/1/x.html#tk.rss_all", "https://mw.example/article/1/x.html"),
        ("https://mw.example/a.html#tk.twt", "https://mw.example/a.html"),
        ("https://h.example/a.html#section-2", "https://h.example/a.html#section-2"),
        # Other parameters keep their spelling and order, escapes included.
        (
            "https://h.example/s?q=a%20b&utm_x=1&tag=%D8%A3",
            "https://h.example/s?q=a%20b&tag=%D8%A3",
        ),
    ],
)
def test_tracking_is_removed_and_other_parameters_are_kept_in_order(raw: str, clean: str) -> None:
    assert clean_url(raw) == clean


@pytest.mark.parametrize(
    ("wrapped", "real"),
    [
        (
            "https://news.google.com/news/url?sa=t&fd=R&url=https://www.bbc.example/news/1",
            "https://www.bbc.example/news/1",
        ),
        (
            "https://www.retriever-info.com/go/?a=1&d=2&u=http%3A%2F%2Fwww.st.nu%2Fartikel%2Fx-1&x=3",
            "http://www.st.nu/artikel/x-1",
        ),
        (
            "http://rss.example.com/redir/feed/123/*https://real.example/story?id=4",
            "https://real.example/story?id=4",
        ),
        (
            "https://www.google.com/url?rct=j&q=&url=https://real.example/a&ct=ga",
            "https://real.example/a",
        ),
        (
            "http://rue89.feedsportal.com/c/33822/f/608948/s/2a687021/l/0L0Srue890N0Czapnet0C20A130C"
            "0A40C0A60Cquand0Ejerome0Ecahuzac0E241244/story01.htm",
            "http://www.rue89.com/zapnet/2013/04/06/quand-jerome-cahuzac-241244",
        ),
        (
            "http://x.feedsportal.com/c/1/f/2/s/3/l/0L0Sexample0Bco0Buk0Cnews0Cstory0Bhtml0Dp0F10Gr0F2/s.htm",
            "http://www.example.co.uk/news/story.html?p=1&r=2",
        ),
    ],
)
def test_redirectors_are_unwrapped_where_the_real_url_is_present(wrapped: str, real: str) -> None:
    assert unwrap_redirect(wrapped) == real


@pytest.mark.parametrize(
    "url",
    [
        "https://news.example/go/on-the-road",  # "go" in a path, no target parameter
        "https://news.example/r/2024/05/a.html?u=not-a-url",
        "https://news.example/search?url=https://elsewhere.example/",  # not a redirector path
        "https://news.google.com/rss/articles/CBMiWWh0dHBzOi8vd3d3LmNubi5jb20v?oc=5",
    ],
)
def test_links_that_are_not_unwrappable_stay(url: str) -> None:
    assert unwrap_redirect(url) == url


def test_unwrapped_links_lose_tracking_too() -> None:
    wrapped = (
        "https://t.example/redirect?url=https%3A%2F%2Freal.example%2Fa%3Fid%3D1%26utm_source%3Drss"
    )
    assert clean_url(wrapped) == "https://real.example/a?id=1"


def test_a_permalink_guid_replaces_a_redirector_without_a_target() -> None:
    feedburner = "http://feedproxy.google.com/~r/site/~3/AbC/story.html"
    assert canonical_link(feedburner, alternatives=("https://site.example/story.html",)) == (
        "https://site.example/story.html"
    )
    # Without a real URL anywhere the redirector is kept: it still takes the reader there.
    assert canonical_link(feedburner, alternatives=(None,)) == feedburner
    # A link that is a real URL wins over a different guid URL.
    assert canonical_link(
        "https://site.example/news/long-slug-1", alternatives=("https://site.example/1",)
    ) == ("https://site.example/news/long-slug-1")


def test_stored_keys_do_not_change_when_links_are_cleaned() -> None:
    """Identity keeps normalising the link as the feed wrote it (articles already stored)."""
    raw = "http://www.nytimes.com/2017/01/06/x.html?partner=rss&emc=rss"
    assert article_guid(None, raw, "t", None) == (
        "http://www.nytimes.com/2017/01/06/x.html?partner=rss&emc=rss"
    )
    assert strip_tracking(raw) == "http://www.nytimes.com/2017/01/06/x.html"


def test_a_guid_on_the_redirectors_own_host_is_not_the_article() -> None:
    # Google News: the link redirects to the article; the guid is Google's Full Coverage page.
    link = "https://news.google.com/__i/rss/rd/articles/CBMiSGh0dHBz?oc=5"
    stories = "https://news.google.com/stories/CAAqNggKIjBDQklT?oc=5"
    assert canonical_link(link, alternatives=(stories,)) == link
