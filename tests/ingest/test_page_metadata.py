"""Every corpus page's post fields, decided by reading each source file (issue 17.5, 17.6).

Title (the page's headline, no site suffix), Read more (canonical, no tracking), photo
(og:image, else JSON-LD's largest), time (the stated datePublished with its own offset; a bare
or midnight print date is date-only; else a marked stamp by the headline; "" = the page states
no date: held back), byline (people only; a marked visible byline or credit line when the
metadata names none) and hashtag category (articleSection / article:section, not an archive).
The golden files (tests/corpus/expected/pages) say the same: one truth.
"""

# ruff: noqa: E501 - the titles and URLs, exactly as the sources give them, pass a line

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import NamedTuple
from zoneinfo import ZoneInfo

import pytest

from bot.ingest.pages import parse_html_page

PAGES = Path(__file__).resolve().parents[1] / "corpus" / "pages"
NOW = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


class Expected(NamedTuple):
    """What the post must say."""

    title: str
    url: str | None
    image: str | None
    time: str
    byline: str | None
    category: str | None


EXPECTED = {
    "aktualne_cz.html": Expected(
        "West Ham hrozí gigantům, okouzlil i Linekera. Součka je snadné přehlédnout",
        "https://sport.aktualne.cz/fotbal/zahranici/west-ham-hrozi-gigantum-okouzlil-i-linekera-souckovu-praci-j/r~8fa032ba3add11ec8a900cc47ab5f122/",
        "https://cdn.xsd.cz/original/9b6b601b440031309c748f864087a138.jpg",
        "2021-11-01T10:52:50+01:00",
        "Aleš Vávra",
        "Zahraniční ligy",
    ),
    "albayan_ae_ar.html": Expected(
        "القائم بأعمال السفارة الأفغانية يثمّن جهود الإمارات",
        "https://www.albayan.ae/across-the-uae/news-and-reports/2020-06-03-1.3874341",
        "https://www.albayan.ae/polopoly_fs/1.3874336.1591133409!/image/image.jpg_gen/derivatives/original_640/image.jpg",
        "2020-06-03T03:01:00+04:00",
        None,
        "عبر الإمارات",
    ),
    "anadolu_tr.html": Expected(
        "Vekalet yoluyla kurban kesim bedelleri belirlendi",
        "https://www.aa.com.tr/tr/gundem/vekalet-yoluyla-kurban-kesim-bedelleri-belirlendi/3912126",
        "https://web-cdnprod.aa.com.tr/uploads/Contents/2026/04/20/thumbs_b_c_fec61343fb844cdf0687a98e6d819355.jpg",
        "2026-04-20T14:09:42.493000+00:00",
        "Fatma Sevinç Çetin",
        "Gündem",
    ),
    "apnews_2024.html": Expected(
        "The presidential campaigns brace for an intense sprint to Election Day",
        "https://apnews.com/article/trump-harris-presidential-election-2024-labor-day-151f82b59473d29a448ef1cea9afe471",
        "https://dims.apnews.com/dims4/default/6732f88/2147483647/strip/true/crop/3014x1695+0+161/resize/1440x810!/quality/90/?url=https%3A%2F%2Fassets.apnews.com%2F43%2Fc8%2F1ad075f731f516d980479bc7622f%2F040034dc1ab44c97adc76c7d28d7f642",
        "2024-09-03T04:03:19+00:00",
        "Steve Peoples, Thomas Beaumont, Amelia Thomson-DeVeaux",
        "Politics",
    ),
    "asahi_jp.html": Expected(
        "宮崎県で震度5弱、高知と宮崎に1メートルの津波注意報 気象庁",
        "https://www.asahi.com/articles/AST1F4445T1FUTIL02SM.html",
        "https://imgopt.asahi.com/ogp/AS20250113003419_comm.jpg",
        "2025-01-13T21:37:00+09:00",
        "渡辺洋介",
        "National",
    ),
    "assabah_tn_ar.html": Expected(
        "الناشط الحقوقي السوداني خالد عبد الكريم ماسا لـ«الصباح»: كل الشروط متوفرة لثورة سودانية ولا حاجة لنستورد شيئا",
        "http://www.assabah.com.tn/article/164913/%D8%A7%D9%84%D9%86%D8%A7%D8%B4%D8%B7-%D8%A7%D9%84%D8%AD%D9%82%D9%88%D9%82%D9%8A-%D8%A7%D9%84%D8%B3%D9%88%D8%AF%D8%A7%D9%86%D9%8A-%D8%AE%D8%A7%D9%84%D8%AF-%D8%B9%D8%A8%D8%AF-%D8%A7%D9%84%D9%83%D8%B1%D9%8A%D9%85-%D9%85%D8%A7%D8%B3%D8%A7-%D9%84%D9%80%C2%AB%D8%A7%D9%84%D8%B5%D8%A8%D8%A7%D8%AD%C2%BB-%D9%83%D9%84-%D8%A7%D9%84%D8%B4%D8%B1%D9%88%D8%B7-%D9%85%D8%AA%D9%88%D9%81%D8%B1%D8%A9-%D9%84%D8%AB%D9%88%D8%B1%D8%A9",
        "http://www.assabah.com.tn/sites/www.assabah.com.tn/files/styles/featured_news/public/main/articles/souda.jpg",
        "2019-02-08",
        "آسيا العتروس",  # the body opens with the credit "حوار: آسيا العتروس" (interview: …)
        None,
    ),
    "badische_zeitung_iso8859-1.html": Expected(
        "Viele Studierende sind noch verzweifelt auf Wohnungssuche in Freiburg",
        "https://www.badische-zeitung.de/viele-studierende-sind-noch-verzweifelt-auf-wohnungssuche-in-freiburg",
        "https://ais.badische-zeitung.de/piece/11/5d/e9/20/291367200.jpg",
        "2023-10-18T12:50:38+02:00",
        "Lisa Petrich",
        None,
    ),
    "bbc_news_2015.html": Expected(
        "Obama admits US gun laws are his 'biggest frustration'",
        "http://www.bbc.com/news/world-us-canada-33646704",
        "http://ichef.bbci.co.uk/news/1024/cpsprodpb/3D8B/production/_84455751_84455749.jpg",
        "2015-07-24T05:36:09+01:00",
        None,
        "US & Canada",
    ),
    "bbc_news_2026.html": Expected(
        "What is Nato and which countries are in it?",
        "https://www.bbc.com/news/articles/clymn8zyrp9o",
        "https://ichef.bbci.co.uk/news/1024/branded_news/d0c6/live/e1498860-2240-11f1-9b13-8f9ee895ecd6.jpg",
        "2012-05-10T14:29:05+00:00",
        "Duncan Walker",
        None,
    ),
    "cnn_arabic_syria_2013.html": Expected(
        "معارضون يسيطرون على مخازن للصواريخ بريف دمشق",
        "http://arabic.cnn.com/2013/middle_east/8/3/syria.clashes/index.html",
        "http://i.cdn.turner.com/cnn/arabic/2013/middle_east/8/3/syria.clashes/Gal.syria.assad.army.jpg_-1_-1.jpg",
        "",
        None,
        None,
    ),
    "elmundo_es_iso8859-15.html": Expected(
        'La negociación entre Junts y el PSOE se alarga por "discrepancias en elementos esenciales" de la ley de amnistía',
        "https://www.elmundo.es/espana/2023/11/02/65438757e85ece1f5b8b45ba.html",
        "https://phantom-elmundo.unidadeditorial.es/f0abd6550155326ac2af31d34c809830/crop/23x27/3055x2048/resize/1200/f/webp/assets/multimedia/imagenes/2023/11/02/16989311948239.jpg",
        "2023-11-02T13:43:27+00:00",
        "Esteban Urreiztieta",
        "España",
    ),
    "folha_br.html": Expected(
        "Tite diz que errou ao levar taça da Libertadores a Lula em 2012",
        "https://www1.folha.uol.com.br/esporte/2018/12/tite-diz-que-errou-ao-levar-taca-da-libertadores-a-lula-em-2012.shtml",
        "https://f.i.uol.com.br/fotografia/2018/12/21/15454034955c1cfc67131dc_1545403495_3x2_rt.jpg",
        "2018-12-21T12:55:00+00:00",
        "Bruno (Henrique Zecchin) Rodrigues",
        "Esporte",
    ),
    "hankookilbo_kr.html": Expected(
        "장동혁, 한동훈 제명했지만… '윤 어게인' 절연 ·외연 확장 부담 커졌다",
        "https://www.hankookilbo.com/news/article/A2026012914320005196",
        "https://newsimg.hankookilbo.com/2026/01/29/8d23917b-5557-4ac1-9300-3786dc34a55a.jpg",
        "",
        "신현주",
        None,
    ),
    "khabaronline_ir_fa.html": Expected(
        "تحلیل روزنامه اصولگرا از دعوت اصلاح طلبان به حضور مردم در انتخابات",
        "https://www.khabaronline.ir/news/1353889/تحلیل-روزنامه-اصولگرا-از-دعوت-اصلاح-طلبان-به-حضور-مردم-در-انتخابات",
        "https://media.khabaronline.ir/d/2020/02/17/4/5346581.jpg",
        "2020-02-18T03:25:00+00:00",
        None,
        "سیاست",  # article:section "سیاست > انتخابات": the section, not the sub-topic
    ),
    "kommersant_ru.html": Expected(
        "Легкий троннинг",
        "https://www.kommersant.ru/doc/7715044",
        "https://iv.kommersant.ru/SocialPics/7715044_49_2808247_207365390",
        "2025-05-14T20:28:12.467000+03:00",
        "Андрей Колесников",
        None,
    ),
    "lanacion_ar.html": Expected(
        "Una solución no violenta para la cuestión mapuche",
        "http://www.lanacion.com.ar/2089096-una-solucion-no-violenta-para-la-cuestion-mapuche",
        "http://bucket.glanacion.com/anexos/fotos/77/2585177.jpg",
        "",
        None,
        None,
    ),
    "lbcgroup_lb_ar.html": Expected(
        '"شعر وردي يُشعل السخرية"… لغز لون شعر دونالد ترامب يربك الجمهور وخبير يشرح السبب',
        "https://www.lbcgroup.tv/news/lifestyle/898682/%D8%B4%D8%B9%D8%B1-%D9%88%D8%B1%D8%AF%D9%8A-%D9%8A%D9%8F%D8%B4%D8%B9%D9%84-%D8%A7%D9%84%D8%B3%D8%AE%D8%B1%D9%8A%D8%A9-%D9%84%D8%BA%D8%B2-%D9%84%D9%88%D9%86-%D8%B4%D8%B9%D8%B1-%D8%AF%D9%88%D9%86%D8%A7%D9%84%D8%AF-%D8%AA%D8%B1%D8%A7%D9%85%D8%A8-%D9%8A%D8%B1%D8%A8%D9%83-%D8%A7%D9%84%D8%AC%D9%85%D9%87%D9%88%D8%B1-%D9%88%D8%AE%D8%A8%D9%8A%D8%B1-%D9%8A%D8%B4%D8%B1/ar",
        "https://www.lbcgroup.tv/uploadImages/DocumentImages/Doc-T-898682-639034694734466983.jpg",
        "2026-01-08T11:42:50+00:00",
        None,
        None,
    ),
    "lemonde_2015.html": Expected(
        "Le projet de loi sur le renseignement massivement approuvé à l'Assemblée",
        "http://www.lemonde.fr/pixels/article/2015/05/04/que-contient-la-loi-sur-le-renseignement_4627068_4408996.html",
        "http://s1.lemde.fr/image/2015/05/05/600x315/4628128_3_47fc_projet-de-loi-renseignement_aeba800424730d672d1bd08faf203438.jpg",
        "2015-05-04T13:36:31+02:00",
        "Martin Untersinger, Damien Leloup, Morgane Tual",  # "(avec Damien Leloup et Morgane Tual)"
        None,
    ),
    "nytimes_2017.html": Expected(
        "United States to Lift Sudan Sanctions",
        "https://www.nytimes.com/2017/01/13/world/africa/sudan-sanctions.html",
        "https://static01.nyt.com/images/2017/01/14/world/13SUDAN-1/13SUDAN-1-facebookJumbo.jpg",
        "2017-01-13T00:00:04-05:00",
        "Jeffrey Gettleman",
        "Africa",
    ),
    "qq_zh_charset_mismatch.html": Expected(
        "DeepMind新电脑已可利用记忆自学 人工智能迈上新台阶",
        None,
        "http://img1.gtimg.com/tech/pics/hv1/168/240/2140/139214868.jpg",  # <img alt=headline>
        "2016-10-14T07:17:00+00:00",  # <span class="pubTime"> by the headline, zone-less: UTC
        "林靖东",  # the text ends "（编译/林靖东）" (compiled by)
        None,
    ),
    "reuters_2020.html": Expected(
        "'Parasite' scores historic upset at SAG awards, boosting Oscar chances",
        "https://www.reuters.com/article/us-awards-sag-idUSKBN1ZI0EH",
        "https://static.reuters.com/resources/r/?m=02&d=20200120&t=2&i=1478767273&r=LYNXMPEG0J09P&w=800",
        "2020-01-19T12:25:36+00:00",
        "Jill Serjeant",
        "Media Industry",
    ),
    "spiegel_2018.html": Expected(
        "Ein Albtraum",
        "https://www.spiegel.de/spiegel/print/d-161500790.html",
        "https://www.spiegel.de/images/image-1099770-galleryV9-fcbd-1099770.jpg",
        "2018-12-22",
        "Clemens Höges",  # <div class="dig-autoren">Von Clemens Höges</div>
        None,  # "Heftarchiv / DER SPIEGEL": the print archive and the outlet
    ),
    "yjc_ir_fa.html": Expected(
        "از کشف ۷۲ دستگاه موتور قاچاق در مهریز تا دستگیری سارق ۱۰۰ میلیون ریالی طلاجات منزل در بافق",
        "http://www.yjc.ir/fa/news/7349926",
        "https://cdn.yjc.ir/files/fa/news/1399/2/21/11873218_743.png",
        "2020-05-10T18:59:01+04:30",
        None,
        "یزد",
    ),
    "youm7_eg_ar.html": Expected(
        "وزير الرى يشهد توقيع عقد دراسة تحديد السحب الآمن للخزانات الجوفية مع جامعة القاهرة",
        "https://www.youm7.com/story/2020/8/24/وزير-الرى-يشهد-توقيع-عقد-دراسة-تحديد-السحب-الآمن-للخزانات/4943459",
        "https://img.youm7.com/large/202007190254595459.jpg",
        "2020-08-24T09:23:13+00:00",
        "أسماء نصار",  # <span class="writeBy">كتبت أسماء نصار</span> (written by)
        "تقارير مصرية",
    ),
}

# The lead's opening where the page's description is not a usable summary (a placeholder, a
# blurb about the site, the first paragraph cut at 160 characters) or is one (a real dek).
LEADS = {
    "lbcgroup_lb_ar.html": "أثار ظهور دونالد ترامب بشعرٍ مائل",  # description "| Lebanon News"
    "yjc_ir_fa.html": "به گزارش خبرنگار گروه استان های",  # "see the news on our site"
    "badische_zeitung_iso8859-1.html": "Die Vorlesungen an der Uni",  # cut mid-word: the body's
    "folha_br.html": "Na ocasião, técnico do Corinthians entregou réplica do troféu ao ex-presidente",
    "kommersant_ru.html": "14 мая президент России Владимир Путин встретился",
    "qq_zh_charset_mismatch.html": "TNW中文站",  # the description is the title again
    "assabah_tn_ar.html": "مالذي يحدث في السودان؟",  # not the credit line "حوار: آسيا العتروس"
}


def test_every_corpus_page_has_its_expectation() -> None:
    assert sorted(EXPECTED) == sorted(path.name for path in PAGES.glob("*.html"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_page_fields_match_the_source(name: str) -> None:
    draft = parse_html_page(
        (PAGES / name).read_bytes(), url=None, tz=ZoneInfo("Asia/Beirut"), now=NOW, source="t"
    )
    want = EXPECTED[name]
    assert draft.title == want.title
    assert draft.url == want.url
    assert draft.image_url == want.image
    assert draft.byline == want.byline
    assert draft.category == want.category
    if want.time == "":
        assert draft.hold_reason is not None and "date" in draft.hold_reason
        assert draft.published_at == NOW
    elif len(want.time) == 10:
        assert draft.date_only and draft.hold_reason is None
        assert draft.published_at == datetime.combine(
            date.fromisoformat(want.time), datetime.min.time(), UTC
        )
    else:
        assert not draft.date_only and draft.hold_reason is None
        assert draft.published_at == datetime.fromisoformat(want.time)
        assert draft.published_at.utcoffset() == datetime.fromisoformat(want.time).utcoffset()


@pytest.mark.parametrize("name", sorted(LEADS))
def test_the_lead_is_a_real_summary_or_the_articles_own_start(name: str) -> None:
    draft = parse_html_page(
        (PAGES / name).read_bytes(), url=None, tz=ZoneInfo("Asia/Beirut"), now=NOW, source="t"
    )
    lead = draft.summary or draft.body or ""
    assert lead.startswith(LEADS[name])
