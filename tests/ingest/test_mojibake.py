"""Mojibake repair: certain repairs are made, uncertain ones are reported, clean text is left."""

from __future__ import annotations

import pytest

from bot.ingest.mojibake import repair


@pytest.mark.parametrize(
    ("garbled", "fixed"),
    [
        ("Indiaâ€™s growth slows", "India’s growth slows"),
        # yandex_news_moscow_mojibake.xml, with its C1 bytes intact
        (
            "Ð˜Ð·-Ð·Ð° Ð¼Ð¾Ñ€Ð¾Ð·Ð¾Ð² Ð½Ð°Ð´ ÐœÐ¾Ñ\x81ÐºÐ²Ð¾Ð¹",
            "Из-за морозов над Москвой",
        ),
        ("Ã©tÃ© Ã  Paris, Ã§a va", "été à Paris, ça va"),
    ],
)
def test_certain_repairs_are_made(garbled: str, fixed: str) -> None:
    assert repair(garbled).text == fixed
    assert repair(garbled).garbled == ""


@pytest.mark.parametrize(
    "clean",
    [
        "café crème à la française",
        "SÃO PAULO — Ação e reação",  # Portuguese capitals, not mojibake
        "В Москве из-за сильных морозов",
        "Ünïcödé ÄÖÜ äöü ß",
        "",
    ],
)
def test_clean_text_is_left_alone(clean: str) -> None:
    assert repair(clean).text == clean
    assert repair(clean).garbled == ""


def test_an_uncertain_repair_is_reported_not_made() -> None:
    # The same Russian with the C1 byte 0x81 of "с" lost on the way: no decoding gets it back.
    lossy = "Ð’ ÐœÐ¾ÑÐºÐ²Ðµ Ð¸Ð·-Ð·Ð° ÑÐ¸Ð»ÑŒÐ½Ñ‹Ñ… Ð¼Ð¾Ñ€Ð¾Ð·Ð¾Ð²"
    result = repair(lossy)
    assert result.text == lossy
    assert result.garbled.startswith("Ð’ ÐœÐ¾")
