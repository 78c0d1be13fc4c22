"""Site names taken off titles, and titles that only look like they carry one left whole."""

from __future__ import annotations

import pytest

from bot.ingest.titles import site_names, strip_site_name


@pytest.mark.parametrize(
    ("title", "names", "expected"),
    [
        (  # pages/aktualne_cz.html: og:site_name "Aktuálně.cz - Víte, co se právě děje"
            "West Ham hrozí gigantům | Aktuálně.cz",
            site_names("Aktuálně.cz - Víte, co se právě děje"),
            "West Ham hrozí gigantům",
        ),
        (  # the same name found from the link's domain alone
            "West Ham hrozí gigantům | Aktuálně.cz",
            site_names(url="https://zpravy.aktualne.cz/sport/r~1/"),
            "West Ham hrozí gigantům",
        ),
        (  # pages/youm7_eg_ar.html
            "وزير الرى يشهد توقيع عقد دراسة - اليوم السابع",
            site_names("اليوم السابع"),
            "وزير الرى يشهد توقيع عقد دراسة",
        ),
        (  # pages/asahi_jp.html: a fullwidth colon, no spaces
            "宮崎県で震度5弱、高知と宮崎に1メートルの津波注意報 気象庁：朝日新聞デジタル",
            site_names("朝日新聞デジタル"),
            "宮崎県で震度5弱、高知と宮崎に1メートルの津波注意報 気象庁",
        ),
        (  # pages/hankookilbo_kr.html: the Hangul letter used as a bar
            "장동혁, 한동훈 제명했지만 부담 커졌다ㅣ한국일보",
            site_names("한국일보"),
            "장동혁, 한동훈 제명했지만 부담 커졌다",
        ),
        (  # pages/cnn_arabic_syria_2013.html: "CNNArabic.com" for the site "CNNArabic"
            "معارضون يسيطرون على مخازن للصواريخ بريف دمشق - CNNArabic.com",
            site_names("CNNArabic"),
            "معارضون يسيطرون على مخازن للصواريخ بريف دمشق",
        ),
        (  # google_news_top.xml: the item's <source> is the publisher
            "NASA Will Send More Helicopters to Mars - The New York Times",
            site_names("Top stories - Google News", "The New York Times"),
            "NASA Will Send More Helicopters to Mars",
        ),
        (  # a name in front
            "BBC News - Obama admits US gun laws are his biggest frustration",
            site_names("BBC News"),
            "Obama admits US gun laws are his biggest frustration",
        ),
    ],
)
def test_site_names_are_stripped(title: str, names: list[str], expected: str) -> None:
    assert strip_site_name(title, names) == expected


@pytest.mark.parametrize(
    ("title", "names"),
    [
        # guardian_us.xml: the part after the bar is the columnist, not the site
        ("Trump’s speech was bad. The response was worse | Cas Mudde", site_names("The Guardian")),
        ("Berlin truck attacker may have got gun in Switzerland - report", site_names("Reuters")),
        ("SVART MÅNAD - DÖDSOLYCKA i Vetlanda", site_names("intranet30")),
        ("Reuters - short", site_names(url="https://www.reuters.com/x")),  # would leave a stub
        ("Nato - Russia tensions rise", site_names("Nato news")),
        ("A title with no separator", site_names("A title")),
    ],
)
def test_other_titles_are_left_whole(title: str, names: list[str]) -> None:
    assert strip_site_name(title, names) == title
