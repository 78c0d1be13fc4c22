"""The post's photo is the article's image: never share buttons, ad pixels, icons or logos."""

from __future__ import annotations

import pytest

from bot.ingest.images import ImageCandidate, is_article_image, pick_image


@pytest.mark.parametrize(
    "url",
    [
        "http://images.pheedo.com/images/mm/facebook.gif",
        "https://a.fsdn.com/sd/twitter_icon_large.png",
        "http://ads.pheedo.com/img.phdo?s=cc0c5fb0&p=4",
        "http://feeds.feedburner.com/~r/ziffdavis/pcmag/~4/0O-eUfOYo94",
        "http://feeds.feedburner.com/~ff/ziffdavis/pcmag/dvorak?d=yIl2AUoC8zA",
        "http://da.feedsportal.com/r/162676227447/u/0/f/608948/c/33822/s/2a687021/a2.img",
        "http://pi.feedsportal.com/r/162676227447/u/0/f/608948/a2t.img",
        "http://rss.feedsportal.com/images/partagez.gif",
        "https://ad.doubleclick.net/ddm/ad/N123/B456;sz=1x1",
        "https://stats.3960.org/p.php?idsite=8&action_name=x",
        "https://site.example/favicon.ico",
        "https://cdn.site.example/favicon-192x192.png",
        "https://site.example/static/img/sprite.png",
        "https://site.example/assets/site-logo.png",
        "https://site.example/avatars/jane.jpg",
        "https://s.w.org/images/core/emoji/2.2.1/72x72/1f600.png",
        "https://site.example/img/icons/share.svg",
        "https://site.example/spacer.gif",
        "https://site.example/pixel_1x1.gif",
        "https://0.gravatar.com/avatar/71fcf51cf2ae9acdd5418?s=96",
        "https://site.example/badge-88x31.png",
    ],
)
def test_furniture_is_never_the_article_image(url: str) -> None:
    assert not is_article_image(url)


@pytest.mark.parametrize(
    "url",
    [
        "https://images.idgesg.net/images/article/2017/11/ios-11-ipad-iphone-100740804-large.3x2.jpg",
        "http://i.mol.im/i/pix/2013/02/03/article-2272640-174FCEE2000005DC-697_154x115.jpg",
        "https://static01.nyt.com/images/2017/01/07/us/07trump3_hp/07trump3_hp-moth.jpg",
        "https://cdn.example/2017/01/silicon-valley-iconic-building.jpg",
        "https://cdn.example/2017/01/facebook-ceo-testifies.jpg",
        "https://img.youtube.com/vi/G2dGWH90aew/hqdefault.jpg",
    ],
)
def test_article_photos_pass(url: str) -> None:
    assert is_article_image(url)


def test_stated_tiny_sizes_are_pixels_not_photos() -> None:
    assert not is_article_image("https://cdn.example/x.gif", 1, 1)
    assert not is_article_image("https://cdn.example/x.png", 32, None)
    assert is_article_image("https://cdn.example/x.jpg", 460, 276)


def test_the_largest_of_several_sizes_wins_within_a_group() -> None:
    sizes = [
        ImageCandidate("https://i.example/140.jpg", 140, 84),
        ImageCandidate("https://i.example/460.jpg", 460, 276),
        ImageCandidate("https://i.example/unsized.jpg"),
    ]
    assert pick_image([sizes]) == "https://i.example/460.jpg"


def test_an_earlier_group_wins_and_furniture_falls_through() -> None:
    enclosure = [ImageCandidate("http://images.pheedo.com/images/mm/facebook.gif")]
    inline = [
        ImageCandidate("https://a.fsdn.com/sd/twitter_icon_large.png"),
        ImageCandidate("https://site.example/photos/story.jpg", 600, 400),
    ]
    assert pick_image([enclosure, inline]) == "https://site.example/photos/story.jpg"
    assert pick_image([[ImageCandidate("https://a.example/a.jpg")], inline]) == (
        "https://a.example/a.jpg"
    )


def test_the_feeds_own_image_is_never_an_article_photo() -> None:
    logo = "https://www.omnycontent.com/d/programs/5ac1/image.jpg?t=1589902935&size=Large"
    same_image_other_query = "https://www.omnycontent.com/d/programs/5ac1/image.jpg?size=Small"
    assert pick_image([[ImageCandidate(logo)]], exclude=[logo]) is None
    assert pick_image([[ImageCandidate(same_image_other_query)]], exclude=[logo]) is None
    assert pick_image([[ImageCandidate("https://x.example/p.jpg")]], exclude=[logo]) == (
        "https://x.example/p.jpg"
    )
