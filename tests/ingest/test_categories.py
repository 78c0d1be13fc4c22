"""The hashtag's category is a section, never a person/organisation/place code or "News"."""

from __future__ import annotations

from bot.ingest.categories import Category, feed_section, pick_category

NYT = "http://www.nytimes.com/namespaces/keywords/"


def test_nyt_descriptors_win_over_person_place_and_organisation_codes() -> None:
    tags = [
        Category("Trump, Donald J", NYT + "nyt_per"),
        Category("Russia", NYT + "nyt_geo"),
        Category("Federal Bureau of Investigation", NYT + "nyt_org"),
        Category("Cyberattacks and Hackers", NYT + "des"),
    ]
    assert pick_category(tags, url="https://www.nytimes.com/2017/01/06/us/x.html") == (
        "Cyberattacks and Hackers"
    )


def test_taxonomy_codes_are_never_chosen_even_alone() -> None:
    tags = [Category("Trump, Donald J", NYT + "per"), Category("Mexico", "urn:tax/geo")]
    assert pick_category(tags, url=None) is None


def test_a_category_naming_the_urls_section_wins() -> None:
    tags = [
        Category("Donald Trump", "https://www.theguardian.com/us-news/donaldtrump"),
        Category("US news", "https://www.theguardian.com/us-news/us-news"),
    ]
    url = "https://www.theguardian.com/us-news/2018/jan/31/story"
    assert pick_category(tags, url=url) == "US news"
    plain = [Category("Bluetooth"), Category("Connected Home")]
    assert pick_category(plain, url="https://t.example/article/3/connected-home/x.html") == (
        "Connected Home"
    )


def test_generic_words_are_no_category() -> None:
    # A generic first category means the item has no section: the tags after it (5G) are
    # keywords, not promoted into one.
    assert pick_category([Category("News"), Category("5G")], url=None) is None
    assert pick_category([Category("Top Stories")], url=None) is None
    assert pick_category([Category("Uncategorized")], url=None, feed_categories=["News"]) is None


def test_the_feeds_own_section_comes_before_item_keywords() -> None:
    section = feed_section(
        "http://www.washingtonpost.com/lifestyle/wellness?wprss=rss_wellness",
        "Wellness: Health, Fitness, Nutrition & More - The Washington Post",
    )
    assert section == "Wellness"
    tags = [Category("Jesus Christ"), Category("United Methodist Church")]
    assert pick_category(tags, url="https://wp.example/local/x", feed_section=section) == (
        "Wellness"
    )
    assert feed_section("https://www.livemint.com/rss/News", "Livemint - News") is None


def test_the_channel_category_is_the_last_resort() -> None:
    assert pick_category([], url=None, feed_categories=["World news"]) == "World news"
    directory = ["Regional/Europe/United_Kingdom/News_and_Media/Newspapers"]
    assert pick_category([], url=None, feed_categories=directory) is None


def test_the_first_category_is_the_section_unless_it_names_nothing() -> None:
    wordpress = [Category("Mobile"), Category("TC"), Category("blackberry")]
    assert pick_category(wordpress, url=None, site_names=["TechCrunch"]) == "Mobile"
    site_first = [Category("TC"), Category("Asana")]
    assert pick_category(site_first, url=None, site_names=["TechCrunch"]) is None
    keywords = [Category("dconstruct"), Category("Conferences")]
    assert pick_category(keywords, url=None) is None


def test_a_term_listed_in_three_spellings_is_the_vertical() -> None:
    tags = [Category(t) for t in ("Dakota Collegiate", "Living", "dakota-collegiate", "living")]
    assert pick_category([*tags, Category("LIVING")], url=None) == "Living"
