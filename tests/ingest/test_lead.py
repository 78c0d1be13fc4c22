"""Choosing and cutting a feed item's lead, on paragraphs shaped like the corpus feeds'."""

from __future__ import annotations

from bot.ingest.lead import LEAD_MAX, choose_lead, cut_back, publisher_cap
from bot.ingest.normalise import Block, extract_html, plain_text
from bot.rendering.text import utf16_len


def blocks(html: str) -> tuple[Block, ...]:
    return extract_html(html).blocks


def test_soft_line_breaks_inside_a_paragraph_are_spaces() -> None:
    # daringfireball.json: a quotation hard-wrapped at 65 columns inside one <p>.
    body = blocks(
        "<p>Josh Centers, writing for TidBITS:</p>\n<blockquote>\n<p>Pundits have long "
        "suspected that two roadblocks stood in the way\nof Apple becoming a carrier.</p>\n"
        "</blockquote>"
    )
    assert choose_lead((), body) == (
        "Josh Centers, writing for TidBITS:\n"
        "Pundits have long suspected that two roadblocks stood in the way of Apple becoming a "
        "carrier."
    )


def test_code_captions_and_headings_never_lead() -> None:
    # intertwingly.atom: a sentence, a Ruby listing, a note.
    body = blocks(
        "<p>The interface is a bit low level, but workable:</p><pre>require 'dbus'\n"
        "bus = DBus::SessionBus.instance</pre><p>Note: the call is optional.</p>"
    )
    assert choose_lead((), body) == (
        "The interface is a bit low level, but workable:\nNote: the call is optional."
    )
    figure = blocks(
        "<h2>Goal</h2><figure><img src='/a.jpg'><figcaption>Salle intérieure</figcaption>"
        "</figure><p>Mozilla France a déménagé.</p>"
    )
    assert choose_lead((), figure) == "Mozilla France a déménagé."


def test_an_opening_epigraph_and_its_attribution_are_skipped() -> None:
    # lagrange_fr.atom
    body = blocks(
        "<figure><figcaption>Salle intérieure de l'hôtel</figcaption></figure>"
        "<div><blockquote><p>Our mission is to promote openness.</p></blockquote>"
        "<p><span>Mozilla</span>, <cite>Mission</cite>.</p></div>"
        "<p>Mozilla France a déménagé dans de nouveaux locaux. "
        + "Comme le bâtiment. " * 12
        + "</p><p>Second paragraph.</p>"
    )
    lead = choose_lead((), body)
    assert lead.startswith("Mozilla France a déménagé dans de nouveaux locaux.")
    assert "Second paragraph" not in lead  # the first paragraph is long enough alone


def test_a_full_article_gives_its_first_paragraphs_cut_at_a_sentence() -> None:
    long_paragraph = "This sentence is part of a very long opening paragraph. " * 20
    body = blocks(f"<p>{long_paragraph}</p><p>Second.</p><p>Third.</p>")
    lead = choose_lead((), body)
    assert utf16_len(lead) <= LEAD_MAX
    assert lead.endswith("paragraph. …")
    short = blocks("<p>A short standfirst.</p><p>The first paragraph.</p><p>The second.</p>")
    assert choose_lead(short, ()) == "A short standfirst.\nThe first paragraph."


def test_the_summary_wins_over_the_body_unless_it_is_a_tagline_or_an_echo() -> None:
    body = blocks("<p>Okay. Today we start a new typeface design and create a font.</p>")
    assert choose_lead(plain_text("Trying to understand a different mindset.").blocks, body) == (
        "Trying to understand a different mindset."
    )
    # lukedorny_escaped_uris.json: the JSON Feed summary is a subtitle.
    assert choose_lead(plain_text("A Journey with links").blocks, body).startswith("Okay. Today")
    # …or a teaser question: it asks what the article is about instead of saying it.
    teaser = plain_text("Streaming music all day?").blocks
    assert choose_lead(teaser, body).startswith("Okay. Today")
    # A short statement is a summary all the same.
    assert choose_lead(plain_text("The mayor resigned.").blocks, body) == "The mayor resigned."
    # google_news_top.xml: the description is the headline again, with its publisher.
    echo = blocks(
        "<a href='x'>NASA Will Send More Helicopters to Mars</a>&nbsp;&nbsp;"
        "<font color='#6f6f6f'>The New York Times</font><strong><a href='y'>View Full "
        "Coverage on Google News</a></strong>"
    )
    title = "NASA Will Send More Helicopters to Mars - The New York Times"
    assert choose_lead(echo, (), title=title) == ""


def test_a_link_list_is_no_lead() -> None:
    # google_news_fr_be.xml: the description is the coverage list.
    coverage = blocks(
        "<ol><li><a href='a'>Coronavirus en Belgique: 200 cas</a>&nbsp;&nbsp;<font>RTBF</font>"
        "</li><li><a href='b'>Coronavirus: 31 nouvelles infections</a>&nbsp;&nbsp;"
        "<font>Sudinfo.be</font></li><li><strong><a href='c'>Voir la couverture complète sur "
        "Google Actualités</a></strong></li></ol>"
    )
    assert choose_lead(coverage, ()) == ""


def test_publisher_truncation_is_cut_back_with_an_ellipsis() -> None:
    # uol_noticias_latin1_undeclared.xml and 3960_org_de.json: marked cuts.
    uol = (
        "Programa Pré Aprendiz, que é realizado pela Secretaria Municipal de Assistência Social "
        "de Apucarana em parceria com o Serviço Social do Comércio (Sesc), terá continuidade em "
        "2019. O termo de renovaç..."
    )
    assert cut_back(uol) == uol[: uol.index(" O termo")] + " …"  # the sentence before the cut
    assert cut_back("Short one. O termo de renovaç...") == "Short one. O termo de…"
    assert cut_back("Sentence one is here. Hier braust zum Beispiel am 09…") == (
        "Sentence one is here. Hier braust zum Beispiel am…"
    )
    assert cut_back("Uma diferença de 3 pontos percentuais em [?]") == (
        "Uma diferença de 3 pontos percentuais…"
    )
    # A whole text is left alone, and so is an unmarked one unless the feed caps its length.
    assert cut_back("A complete sentence.") == "A complete sentence."
    assert cut_back("A headline-like summary without a stop") == (
        "A headline-like summary without a stop"
    )
    assert cut_back("No one needs to go to this tradeshow when every media out", capped=True) == (
        "No one needs to go to this tradeshow when every media…"
    )


def test_a_feed_that_cuts_at_a_fixed_length_is_recognised() -> None:
    # pcmag_illegally_nested.xml: every description is 99-100 characters.
    cut = ["x" * 100, "y" * 100, "z" * 99, "w" * 100, "a short and whole one."]
    assert publisher_cap(cut) == 100
    natural = ["a" * 120, "b" * 150, "c" * 200, "d" * 90]
    assert publisher_cap(natural) is None
    assert publisher_cap(["a" * 100, "a" * 100, "a" * 100]) is None  # one text, repeated
