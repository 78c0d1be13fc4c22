"""Fuzzed limits: hundreds of random articles never break Telegram's rules.

Deterministic (`random.Random(seed)`): each seed is one test case, so a failure names the seed
that reproduces it.
"""

from __future__ import annotations

import random
from zoneinfo import ZoneInfo

import pytest

from bot.domain import Article
from bot.rendering import (
    CAPTION_LIMIT,
    ELLIPSIS,
    RLM,
    TEXT_LIMIT,
    RenderedPost,
    graphemes,
    render_post,
    safe_http_url,
    utf16_len,
)
from bot.rendering.direction import starts_rtl

from .helpers import make_article, parse_telegram_html

BEIRUT = ZoneInfo("Asia/Beirut")

# Each atom starts with a base character, so no combining mark ever follows a space and the
# generated paragraphs are already in the renderer's normal form (single spaces, no edges).
ATOMS = [
    "news",
    "Pyongyang",
    "the",
    "Économie",
    "naïve",
    "e\u0301te\u0301",  # decomposed accents
    "a\u0308\u0323\u0301",  # a stack of combining marks
    "أخبار",
    "دولية",
    "مُحَمَّد",  # Arabic with harakat
    "عاجل",
    "新闻",
    "中华人民共和国",
    "😀",
    "👨\u200d👩\u200d👧\u200d👦",  # ZWJ family
    "👩🏾\u200d💻",  # skin tone + ZWJ
    "🏳️\u200d🌈",
    "🇱🇧",
    "🇯🇵🇺🇸",  # two flags back to back
    "👍🏽",
    "&",
    "<",
    ">",
    '"',
    "&amp;",
    "<b>",
    "</i>",
    "a&b<c>d",
    "2024",
    "12:05",
    "done.",
    "why?",
    "لماذا؟",
    "。",
]
CATEGORIES = [
    None,
    "",
    "International News",
    "أخبار دولية",
    "!!!",
    "2024",
    "<script>&",
    "Local & Regional",
]
BYLINES = [None, "", "Staff, Agencies", "By Jane Doe", "<b>Evil</b> & Co", "المحرر"]
LANGUAGES = [None, "en", "ar", "ar-LB", "fa", "en-GB"]
LABELS = ["🔴 BREAKING", "🔴 عاجل", "<b>&</b>"]


def _long_word(rng: random.Random) -> str:
    unit = rng.choice(["x", "Ω", "新", "😀", "🇱🇧", "e\u0301", "&<>", "ب"])
    return unit * rng.randint(50, 1500)


def _text(rng: random.Random, words: int) -> str:
    pieces: list[str] = []
    for _ in range(words):
        atom = _long_word(rng) if rng.random() < 0.01 else rng.choice(ATOMS)
        if pieces and rng.random() < 0.15:
            pieces[-1] += atom  # runs with no space to cut at
        else:
            pieces.append(atom)
    return " ".join(pieces)


def _paragraphs(rng: random.Random, count: int, max_words: int) -> list[str]:
    return [_text(rng, rng.randint(1, max_words)) for _ in range(count)]


def random_article(seed: int) -> Article:
    rng = random.Random(seed)
    if rng.random() < 0.05:
        title = _text(rng, rng.randint(300, 2500))  # an enormous title
    else:
        title = _text(rng, rng.randint(1, 25))
    summary = "\n".join(_paragraphs(rng, rng.randint(1, 3), 80)) if rng.random() < 0.25 else None
    body_paragraphs = _paragraphs(rng, rng.randint(0, 12), rng.choice([5, 60, 400]))
    return make_article(
        id=seed,
        guid=f"guid-{seed}",
        url=f"https://example.com/news/{seed}?a=1&b=<{seed}>&c=أخبار",
        title=title,
        category=rng.choice([*CATEGORIES, _text(rng, rng.randint(1, 40))]),
        byline=rng.choice([*BYLINES, _text(rng, rng.randint(1, 200))]),
        summary=summary,
        body="\n".join(body_paragraphs) if body_paragraphs else None,
        image_url=f"https://example.com/img/{seed}.jpg" if rng.random() < 0.5 else None,
        language=rng.choice(LANGUAGES),
    )


def _expected_lead(article: Article) -> str:
    source = article.summary or article.body or ""
    return "\n\n".join(line for line in source.split("\n") if line)


def _assert_prefix_of(shown: str, original: str) -> None:
    """`shown` is `original`, or a whole-grapheme prefix of it followed by the ellipsis."""
    if shown == original:
        return
    assert shown.endswith(ELLIPSIS), shown[-40:]
    kept = shown.removesuffix(ELLIPSIS).removesuffix(" ")
    kept_clusters = graphemes(kept)
    assert kept_clusters, "a cut must keep something"
    # Segmenting only a prefix of the original gives the same clusters up to near its end.
    prefix = original[: len(kept) + 64]
    assert kept_clusters == graphemes(prefix)[: len(kept_clusters)]


def _check(post: RenderedPost, article: Article, *, breaking: bool, caption: bool) -> None:
    limit = CAPTION_LIMIT if caption else TEXT_LIMIT
    assert (post.photo_url is not None) is caption
    assert utf16_len(post.plain) <= limit
    assert not any(0xD800 <= ord(char) <= 0xDFFF for char in post.plain + post.html)
    post.html.encode("utf-8")  # strict: fails on any lone surrogate

    text, bold = parse_telegram_html(post.html)
    assert text == post.plain

    title_shown = bold[1 if breaking else 0]
    assert title_shown, "the title must survive"
    _assert_prefix_of(title_shown, " ".join(article.title.split()))

    save, read_more = post.buttons[0]
    assert save.callback_data == f"fav:{article.id}"
    assert read_more.url == safe_http_url(article.url)
    assert read_more.url is not None

    lines = post.plain.split("\n")
    if post.rtl:
        assert all(starts_rtl(line) for line in lines if line)
    else:
        assert RLM not in post.plain

    _, _, lead = post.plain.partition("\n\n")
    lead = "\n".join(line.removeprefix(RLM) for line in lead.split("\n"))
    original = _expected_lead(article)
    if lead:
        _assert_prefix_of(lead, original)
        if lead != original:  # cut: the room was used, not thrown away
            assert utf16_len(post.plain) > limit // 2


@pytest.mark.parametrize("seed", range(300))
def test_random_articles_fit_telegram(seed: int) -> None:
    article = random_article(seed)
    breaking = seed % 3 == 0
    post = render_post(
        article, tz=BEIRUT, breaking=breaking, breaking_label=LABELS[seed % len(LABELS)]
    )
    _check(post, article, breaking=breaking, caption=article.image_url is not None)
    text_post = post.as_text_post()
    _check(text_post, article, breaking=breaking, caption=False)
    assert utf16_len(text_post.plain) >= utf16_len(post.plain)


def test_the_fuzz_reaches_the_hard_cases() -> None:
    """The generator must actually produce what the fuzz test claims to cover."""
    posts = [(seed, render_post(random_article(seed), tz=BEIRUT)) for seed in range(300)]
    assert sum(post.plain.count(ELLIPSIS) > 0 for _, post in posts) > 50
    assert sum(post.rtl for _, post in posts) > 50
    assert sum(post.photo_url is not None for _, post in posts) > 100
    assert any(utf16_len(random_article(seed).title) > TEXT_LIMIT for seed, _ in posts)
    assert any("👨\u200d👩\u200d👧\u200d👦" in post.plain for _, post in posts)
