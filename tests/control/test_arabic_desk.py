"""An Arabic desk: editors read their replies, buttons and notices in Arabic.

An editor's language is chosen like a subscriber's — their /language choice, else their Telegram
app's language — and a notice to every editor reaches each in their own language, or in the
site's for an editor the bot has never seen.
"""

from __future__ import annotations

import unicodedata

from bot.services import Services
from sandbox.fakeapi import FakeTelegram, RecordedCall
from tests.support import ADMIN_ID, CHANNEL_ID, StartAdmin, site_article, wait_until

RLM = "\u200f"
ENGLISH_EDITOR = 5151
UNSEEN_EDITOR = 6161


def latin_words(text: str) -> list[str]:
    """Words in Latin letters, once commands, tags, links and the product name are set aside."""
    words = []
    for word in text.replace("<", " <").replace(">", "> ").split():
        if word.startswith(("/", "<", "http", "@")) or word in ("newsdesk", "Editor"):
            continue
        if any(unicodedata.name(ch, "").startswith("LATIN") for ch in word):
            words.append(word)
    return words


def right_to_left(text: str) -> bool:
    """Every line opens with a right-to-left mark, so clients lay it out right to left."""
    return all(line.startswith(RLM) for line in text.split("\n") if line)


def labels(call: RecordedCall) -> list[str]:
    """The labels of the buttons under a message the bot sent."""
    rows = call.params["reply_markup"]["inline_keyboard"]
    return [button["text"] for row in rows for button in row]


async def test_arabic_editor_reads_status_in_arabic(
    fake: FakeTelegram, admin_bot: StartAdmin
) -> None:
    editor = fake.user(ADMIN_ID, "Editor", language_code="ar-EG")
    async with admin_bot() as bot:
        status = await bot.command(editor, "/status")
        text = status.params["text"]
        assert text.startswith(RLM + "📊 <b>الحالة</b>")
        assert "النشر يعمل" in text and "الطابور: في الانتظار 0" in text
        assert "آخر منشور: لم يحدث بعد" in text and "يعمل منذ" in text
        assert right_to_left(text)
        assert latin_words(text) == [], latin_words(text)

        paused = await bot.command(editor, "/pause")
        assert "أُوقف النشر التلقائي مؤقتًا" in paused.params["text"]
        assert "أوقف أحد المحررين النشر" in (await bot.command(editor, "/status")).params["text"]


async def test_arabic_editor_gets_breaking_preview_buttons_in_arabic(
    fake: FakeTelegram, admin_bot: StartAdmin
) -> None:
    editor = fake.user(ADMIN_ID, "Editor", language_code="ar")
    async with admin_bot() as bot:
        preview = await bot.command(editor, "/breaking زلزال يضرب العاصمة\nإخلاء المباني")
        # The post as the channel will show it (site language English), then the decision.
        assert bot.shown(preview).startswith("🔴 BREAKING")
        assert labels(preview)[-2:] == [RLM + "✅ انشر", RLM + "✖️ إلغاء"]

        answer = await bot.press(editor, preview, _data(preview, "brk:pub:"))
        text = answer.params["text"]
        assert text.startswith(RLM + "✅ نُشر: https://t.me/example_news/")
        assert "📌 ثُبّت حتى" in text and right_to_left(text)
        (post,) = fake.messages(CHANNEL_ID)
        assert (post.text or "").startswith("🔴 BREAKING\nزلزال يضرب العاصمة")

        again = await bot.command(editor, "/breaking زلزال يضرب العاصمة\nإخلاء المباني")
        repeat = await bot.press(editor, again, _data(again, "brk:pub:"))
        assert "نُشر الخبر العاجل نفسه الساعة" in repeat.params["text"]
        assert labels(repeat) == [RLM + "🔁 انشره مجددًا", RLM + "✖️ إلغاء"]


async def test_language_choice_wins_over_the_telegram_app(
    fake: FakeTelegram, admin_bot: StartAdmin
) -> None:
    editor = fake.user(ADMIN_ID, "Editor", language_code="en")
    async with admin_bot() as bot:
        assert "Publishing is running" in bot.shown(await bot.command(editor, "/status"))
        await bot.app.bot_data.services.subscribers.users.set_language(ADMIN_ID, "ar")
        assert "النشر يعمل" in bot.shown(await bot.command(editor, "/status"))
        usage = await bot.command(editor, "/retract")
        assert usage.params["text"] == RLM + "الاستخدام: <code>/retract &lt;رقم المقال&gt;</code>"


async def test_refusal_to_a_reader_is_in_their_language(
    fake: FakeTelegram, admin_bot: StartAdmin
) -> None:
    reader = fake.user(777, "Reader", language_code="ar")
    async with admin_bot() as bot:
        refused = await bot.command(reader, "/status")
        assert refused.params["text"] == RLM + "هذا الأمر مخصّص للمحررين."


async def test_notice_reaches_each_editor_in_their_own_language(
    fake: FakeTelegram, admin_bot: StartAdmin
) -> None:
    arabic = fake.user(ADMIN_ID, "Editor", language_code="ar")
    english = fake.user(ENGLISH_EDITOR, "Ed", language_code="en")
    editors = {"admins": [ADMIN_ID, ENGLISH_EDITOR, UNSEEN_EDITOR]}
    site = {"name": "Example News", "timezone": "Asia/Beirut", "language": "ar"}
    async with admin_bot(telegram=editors, site=site) as bot:
        services = bot.app.bot_data.services
        for editor in (arabic, english):
            await bot.command(editor, "/status")
        await wait_until(lambda: _seen(services, ADMIN_ID, ENGLISH_EDITOR))
        await site_article(services, 1)
        fake.kick_from_channel(CHANNEL_ID)
        since = len(fake.calls)
        await services.publisher.run_pass()

        notices = {
            editor: (await bot.answer(editor, since)).params["text"]
            for editor in (ADMIN_ID, ENGLISH_EDITOR, UNSEEN_EDITOR)
        }
        assert notices[ENGLISH_EDITOR].startswith("⛔ <b>Publishing paused</b>")
        for editor in (ADMIN_ID, UNSEEN_EDITOR):  # Arabic app; never seen, on an Arabic site
            assert notices[editor].startswith(RLM + "⛔ <b>توقف النشر</b>: لا يستطيع البوت")
            assert right_to_left(notices[editor])


async def test_uncertain_post_notice_and_its_buttons_in_arabic(
    fake: FakeTelegram, admin_bot: StartAdmin
) -> None:
    editor = fake.user(ADMIN_ID, "Editor", language_code="ar")
    async with admin_bot() as bot:
        services = bot.app.bot_data.services
        await bot.command(editor, "/status")
        await wait_until(lambda: _seen(services, ADMIN_ID))
        article_id = await site_article(services, 1)
        since = len(fake.calls)
        await services.publisher.report_uncertain(article_id, "uncertain_timeout")
        notice = await bot.answer(ADMIN_ID, since)
        text = notice.params["text"]
        assert "لست متأكدًا من وصول هذا إلى القناة" in text
        assert "لم يردّ تيليغرام في الوقت المحدد" in text and right_to_left(text)
        assert labels(notice) == [RLM + "انشره مجددًا", RLM + "إنه منشور"]


def _data(call: RecordedCall, prefix: str) -> str:
    rows = call.params["reply_markup"]["inline_keyboard"]
    return next(
        b["callback_data"]
        for row in rows
        for b in row
        if b.get("callback_data", "").startswith(prefix)
    )


async def _seen(services: Services, *user_ids: int) -> bool:
    """Whether the users' sightings (with their Telegram language) are stored."""
    records = [await services.subscribers.users.get(user_id) for user_id in user_ids]
    return all(record is not None and record.language_code for record in records)
