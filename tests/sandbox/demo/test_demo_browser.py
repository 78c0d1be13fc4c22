"""The sandbox's page in a real headless Chromium (Debian's), driven by Playwright.

What only a browser can show: the page's script keeps the panes live, right-to-left posts read
right-to-left, a photo that cannot load becomes a placeholder, a press shows its toast. The
channel pane is saved as a screenshot in test-artifacts/ for a person to look at.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from tests.sandbox.demo.conftest import SAMPLE_TITLES, Demo

ROOT = Path(__file__).resolve().parents[3]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# As the machine notes say: no sandbox as root, and no calls home on a closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 30_000

pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no Chromium installed: `apt-get install chromium` (.ci/run installs it)",
)


async def test_the_page_in_a_browser_is_live_and_reads_right(demo: Demo) -> None:
    from playwright.async_api import async_playwright, expect

    assert CHROMIUM is not None
    ARTIFACTS.mkdir(exist_ok=True)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = await browser.new_page(viewport={"width": 1400, "height": 900})
            script_errors: list[str] = []
            page.on("pageerror", lambda error: script_errors.append(str(error)))
            await page.goto(demo.sandbox.url)

            # The publisher's posts arrive while the page is open: the long poll shows them.
            posts = page.locator("#channel-messages .msg-wrap")
            await expect(posts).to_have_count(len(SAMPLE_TITLES), timeout=TIMEOUT_MS)
            arabic = page.locator(".msg-wrap", has_text="مهرجان الكتاب").locator(".text")
            english = page.locator(".msg-wrap", has_text="Markets close higher").locator(".text")
            assert await arabic.evaluate("e => getComputedStyle(e).direction") == "rtl"
            assert await english.evaluate("e => getComputedStyle(e).direction") == "ltr"
            # No network here: the remote photo fails and its placeholder shows the alt text.
            photo = page.locator(".msg-wrap", has_text="tram line").locator(".photo")
            await expect(photo).to_have_class(re.compile(r"\bbroken\b"), timeout=TIMEOUT_MS)
            await expect(photo.locator(".photo-alt")).to_be_visible()
            # The artefact: the channel from the photo post on (the Arabic one comes next).
            await photo.evaluate("e => e.closest('.msg-wrap').scrollIntoView({block: 'start'})")
            await page.locator("section.channel").screenshot(path=ARTIFACTS / "demo-channel.png")

            # Typing in the chat pane.
            await page.locator("#chat-input").fill("/latest")
            await page.locator("#chat-input").press("Enter")
            chat = page.locator("#chat-messages")
            await expect(chat).to_contain_text("Latest news", timeout=TIMEOUT_MS)

            # ⭐ under a channel post: the bot's answer shows as a toast.
            heatwave = page.locator("#channel-messages .msg-wrap", has_text="Heatwave warning")
            await heatwave.get_by_role("button", name=re.compile("Save")).click()
            await expect(page.locator("#toast")).to_contain_text("Saved", timeout=TIMEOUT_MS)

            await page.screenshot(path=ARTIFACTS / "demo-page.png")

            # Switching to the editor shows the editor's own (still empty) chat.
            await page.get_by_text("Editor", exact=False).last.click()
            await expect(chat.locator("button.start")).to_be_visible(timeout=TIMEOUT_MS)
            assert "as=admin" in page.url
            assert not script_errors, script_errors
        finally:
            await browser.close()
    assert (ARTIFACTS / "demo-channel.png").stat().st_size > 10_000
