"""The publisher against the fake Bot API: each article once, in order, faults handled."""

from __future__ import annotations

import itertools
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.domain import ArticleDraft, DeliveryState
from bot.services import Services
from sandbox.fakeapi import FakeTelegram, Fault
from storage.deliveries import DeliveryRepository
from tests.support import ADMIN_ID, CHANNEL_ID

StartBot = Any  # the `start_bot` fixture of tests/conftest.py
QUIET = {"enabled": False, "max_posts_per_minute": 600, "retry_backoff_seconds": 0.05}


def draft(n: int, *, age_minutes: float = 10, **changes: Any) -> ArticleDraft:
    base = ArticleDraft(
        guid=f"site-{n}",
        url=f"https://news.example/a/{n}",
        title=f"Story number {n}",
        category="International News",
        byline="Staff, Agencies",
        published_at=datetime.now(UTC) - timedelta(minutes=age_minutes),
        summary=f"The lead of story {n}.",
    )
    return base.model_copy(update=changes)


def channel_texts(fake: FakeTelegram) -> list[str]:
    return [m.text or m.caption or "" for m in fake.messages(CHANNEL_ID) if not m.deleted]


async def state(services: Services, article_id: int) -> DeliveryState | None:
    delivery = await DeliveryRepository(services.db.store).get(article_id)
    return delivery.state if delivery else None


async def stored(services: Services, *drafts: ArticleDraft) -> list[int]:
    return [result.article.id for result in await services.articles.store(drafts)]


async def test_new_articles_are_posted_once_oldest_first(
    fake: FakeTelegram, start_bot: StartBot
) -> None:
    async with start_bot(publishing=QUIET) as app:
        services = app.bot_data.services
        ids = await stored(
            services, draft(2, age_minutes=5), draft(1, age_minutes=9), draft(3, age_minutes=1)
        )
        report = await services.publisher.run_pass()
        assert report.posted == [ids[1], ids[0], ids[2]]
        texts = channel_texts(fake)
        assert [t.splitlines()[0] for t in texts] == [
            "Story number 1",
            "Story number 2",
            "Story number 3",
        ]
        assert "#InternationalNews" in texts[0]
        first = fake.messages(CHANNEL_ID)[0]
        assert first.disable_notification is True  # routine posts are silent
        assert first.parse_mode == "HTML"
        buttons = first.reply_markup["inline_keyboard"][0] if first.reply_markup else []
        assert buttons[0]["callback_data"] == f"fav:{ids[1]}"
        assert buttons[1]["url"] == "https://news.example/a/1"
        delivery = await DeliveryRepository(services.db.store).get(ids[1])
        assert delivery is not None and delivery.state is DeliveryState.POSTED
        assert delivery.message_id == first.message_id
        # A second pass, and a re-import of the same articles, post nothing again.
        await stored(services, draft(1, age_minutes=9))
        assert (await services.publisher.run_pass()).posted == []
        assert len(channel_texts(fake)) == 3


async def test_backlog_is_skipped_not_burst(fake: FakeTelegram, start_bot: StartBot) -> None:
    async with start_bot(publishing=QUIET | {"backlog_max_age_hours": 2}) as app:
        services = app.bot_data.services
        old, fresh = await stored(services, draft(1, age_minutes=180), draft(2, age_minutes=30))
        report = await services.publisher.run_pass()
        assert report.posted == [fresh]
        assert await state(services, old) is DeliveryState.SKIPPED
        assert len(channel_texts(fake)) == 1


async def test_held_article_is_skipped_with_its_reason(
    fake: FakeTelegram, start_bot: StartBot
) -> None:
    async with start_bot(publishing=QUIET) as app:
        services = app.bot_data.services
        held, fine = await stored(
            services, draft(1, hold_reason="an advertisement, not news"), draft(2)
        )
        report = await services.publisher.run_pass()
        assert report.posted == [fine]
        delivery = await DeliveryRepository(services.db.store).get(held)
        assert delivery is not None and delivery.state is DeliveryState.SKIPPED
        assert delivery.skip_reason == "held: an advertisement, not news"
        assert [t.splitlines()[0] for t in channel_texts(fake)] == ["Story number 2"]


async def test_site_inserted_row_is_picked_up(fake: FakeTelegram, start_bot: StartBot) -> None:
    async with start_bot(publishing=QUIET) as app:
        services = app.bot_data.services
        when = (datetime.now(UTC) - timedelta(minutes=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
        async with services.db.write() as conn:
            await conn.execute(
                "INSERT INTO articles (guid, title, published_at, url) VALUES ($1, $2, $3, $4)",
                "cms-1",
                "Written by the CMS",
                when,
                "https://news.example/cms/1",
            )
        assert len((await services.publisher.run_pass()).posted) == 1
        assert channel_texts(fake)[0].startswith("Written by the CMS")


async def test_429_is_obeyed_and_order_kept(fake: FakeTelegram, start_bot: StartBot) -> None:
    async with start_bot(publishing=QUIET) as app:
        services = app.bot_data.services
        await stored(services, draft(1, age_minutes=3), draft(2, age_minutes=2))
        fake.fail_next("sendMessage", Fault.retry_after(1))
        report = await services.publisher.run_pass()
        assert len(report.posted) == 2
        sends = fake.calls_of("sendMessage")
        assert [c.status for c in sends] == [429, 200, 200]
        assert sends[1].at - sends[0].at >= 1.0  # waited at least retry_after
        assert sends[0].params["text"] == sends[1].params["text"]  # the same article resent
        assert [t.splitlines()[0] for t in channel_texts(fake)] == [
            "Story number 1",
            "Story number 2",
        ]


async def test_server_errors_are_retried_with_backoff(
    fake: FakeTelegram, start_bot: StartBot
) -> None:
    async with start_bot(publishing=QUIET) as app:
        services = app.bot_data.services
        (article_id,) = await stored(services, draft(1))
        fake.fail_next("sendMessage", Fault.server_error(502), times=2)
        report = await services.publisher.run_pass()
        assert report.posted == [article_id]
        assert [c.status for c in fake.calls_of("sendMessage")] == [502, 502, 200]
        assert len(channel_texts(fake)) == 1


async def test_refused_connection_then_down_channel_is_failed_and_retried_later(
    fake: FakeTelegram, start_bot: StartBot
) -> None:
    async with start_bot(publishing=QUIET) as app:
        services = app.bot_data.services
        (article_id,) = await stored(services, draft(1))
        fake.fail_next("sendMessage", Fault.server_error(500), times=50)
        report = await services.publisher.run_pass()
        assert report.failed == [article_id]
        delivery = await DeliveryRepository(services.db.store).get(article_id)
        assert delivery is not None and delivery.state is DeliveryState.FAILED
        assert delivery.next_attempt_at is not None
        assert delivery.next_attempt_at > datetime.now(UTC)
        assert channel_texts(fake) == []


async def test_timeout_after_sending_is_uncertain_and_reported(
    fake: FakeTelegram, start_bot: StartBot
) -> None:
    admin = fake.user(ADMIN_ID, "Editor")
    fake.send_text(admin, "/start")  # the editor has opened the bot
    async with start_bot(publishing=QUIET, telegram={"request_timeout_seconds": 1.0}) as app:
        services = app.bot_data.services
        await fake.wait_for_call("sendMessage", lambda p: p["chat_id"] == ADMIN_ID)
        first, second = await stored(services, draft(1, age_minutes=3), draft(2, age_minutes=2))
        fake.fail_next("sendMessage", Fault.timeout(3, applied=True))
        report = await services.publisher.run_pass()
        assert report.uncertain == [first]
        assert report.posted == [second]
        assert await state(services, first) is DeliveryState.UNCERTAIN
        alert = await fake.wait_for_call(
            "sendMessage", lambda p: p["chat_id"] == ADMIN_ID and "Not sure" in p["text"]
        )
        assert "Story number 1" in alert.params["text"]
        data = [b["callback_data"] for b in alert.params["reply_markup"]["inline_keyboard"][0]]
        assert data == [f"unc:again:{first}", f"unc:done:{first}"]
        # Never reposted on its own: another pass leaves it alone.
        await services.publisher.run_pass()
        assert [t.splitlines()[0] for t in channel_texts(fake)].count("Story number 1") == 1
        # A reader cannot decide; the editor saw it in the channel and says so.
        message_id = alert.result_or_error["message_id"]
        query = fake.press_button(fake.user(777, "Reader"), ADMIN_ID, message_id, data[1])
        await fake.wait_for(lambda: fake.callback_answers(query))
        assert await state(services, first) is DeliveryState.UNCERTAIN
        query = fake.press_button(admin, ADMIN_ID, message_id, data[1])
        answer = await fake.wait_for(lambda: fake.callback_answers(query))
        assert answer["text"] == "Recorded as posted."
        assert await state(services, first) is DeliveryState.POSTED
        await services.publisher.run_pass()
        assert [t.splitlines()[0] for t in channel_texts(fake)].count("Story number 1") == 1


async def test_editor_can_have_an_uncertain_post_sent_again(
    fake: FakeTelegram, start_bot: StartBot
) -> None:
    admin = fake.user(ADMIN_ID, "Editor")
    fake.send_text(admin, "/start")
    async with start_bot(publishing=QUIET, telegram={"request_timeout_seconds": 1.0}) as app:
        services = app.bot_data.services
        # The reply to the editor's /start must not be the message that loses its connection.
        await fake.wait_for_call("sendMessage", lambda p: p["chat_id"] == ADMIN_ID)
        (article_id,) = await stored(services, draft(1))
        fake.fail_next("sendMessage", Fault.drop_connection(applied=False))
        assert (await services.publisher.run_pass()).uncertain == [article_id]
        alert = await fake.wait_for_call(
            "sendMessage", lambda p: p["chat_id"] == ADMIN_ID and "Not sure" in p["text"]
        )
        fake.press_button(
            admin, ADMIN_ID, alert.result_or_error["message_id"], f"unc:again:{article_id}"
        )
        await fake.wait_for(lambda: channel_texts(fake), timeout=10)
        assert await fake.wait_for(lambda: fake.wait_for_sync is not None and channel_texts(fake))
        assert channel_texts(fake)[0].startswith("Story number 1")


async def test_unparseable_markup_is_resent_once_as_plain_text(
    fake: FakeTelegram, start_bot: StartBot
) -> None:
    async with start_bot(publishing=QUIET) as app:
        services = app.bot_data.services
        (article_id,) = await stored(services, draft(1))
        fake.fail_next(
            "sendMessage", Fault.bad_request("Bad Request: can't parse entities: unclosed tag")
        )
        assert (await services.publisher.run_pass()).posted == [article_id]
        calls = fake.calls_of("sendMessage")
        assert [c.status for c in calls] == [400, 200]
        assert "parse_mode" not in calls[1].params
        assert calls[1].params["text"].startswith("Story number 1")


async def test_refused_photo_falls_back_to_text_with_preview(
    fake: FakeTelegram, start_bot: StartBot
) -> None:
    async with start_bot(publishing=QUIET) as app:
        services = app.bot_data.services
        (article_id,) = await stored(
            services, draft(1, image_url="https://news.example/img/broken.jpg")
        )
        fake.fail_next(
            "sendPhoto", Fault.bad_request("Bad Request: wrong type of the web page content")
        )
        assert (await services.publisher.run_pass()).posted == [article_id]
        (message,) = fake.messages(CHANNEL_ID)
        assert message.photo is None
        preview = message.link_preview_options or {}
        assert preview.get("is_disabled") is not True
        assert preview["url"] == "https://news.example/a/1"
        delivery = await DeliveryRepository(services.db.store).get(article_id)
        assert delivery is not None and delivery.has_photo is False


async def test_article_with_image_is_a_photo_post(fake: FakeTelegram, start_bot: StartBot) -> None:
    async with start_bot(publishing=QUIET) as app:
        services = app.bot_data.services
        await stored(services, draft(1, image_url="https://news.example/img/1.jpg"))
        await services.publisher.run_pass()
        (message,) = fake.messages(CHANNEL_ID)
        assert message.photo is not None
        assert message.caption is not None and message.caption.startswith("Story number 1")


async def test_corrected_image_and_title_replace_the_photo_and_caption(
    fake: FakeTelegram, start_bot: StartBot
) -> None:
    async with start_bot(publishing=QUIET) as app:
        services = app.bot_data.services
        (article_id,) = await stored(
            services, draft(1, image_url="https://news.example/img/wrong.jpg")
        )
        await services.publisher.run_pass()
        await stored(
            services,
            draft(
                1,
                title="Story number 1, corrected",
                image_url="https://news.example/img/right.jpg",
            ),
        )
        assert (await services.publisher.run_pass()).corrected == [article_id]
        (message,) = fake.messages(CHANNEL_ID)  # edited in place, never posted again
        assert message.photo_source == {"kind": "url", "url": "https://news.example/img/right.jpg"}
        assert message.caption is not None
        assert message.caption.startswith("Story number 1, corrected")
        assert message.edit_date is not None


async def test_lost_channel_pauses_tells_admins_once_and_resumes(
    fake: FakeTelegram, start_bot: StartBot
) -> None:
    admin = fake.user(ADMIN_ID, "Editor")
    fake.send_text(admin, "/start")
    async with start_bot(publishing=QUIET) as app:
        services = app.bot_data.services
        await fake.wait_for_call("sendMessage", lambda p: p["chat_id"] == ADMIN_ID)
        first, second = await stored(services, draft(1, age_minutes=3), draft(2, age_minutes=2))
        fake.kick_from_channel(CHANNEL_ID)
        report = await services.publisher.run_pass()
        assert report.posted == [] and report.paused
        await services.publisher.run_pass()  # still lost: no second warning
        warnings = [
            c
            for c in fake.calls_of("sendMessage")
            if c.params["chat_id"] == ADMIN_ID and "paused" in c.params["text"]
        ]
        assert len(warnings) == 1
        assert await state(services, first) is DeliveryState.PENDING  # nothing lost
        fake.restore_to_channel(CHANNEL_ID)
        report = await services.publisher.run_pass()
        assert report.posted == [first, second]
        assert report.paused is None
        await fake.wait_for_call(
            "sendMessage", lambda p: p["chat_id"] == ADMIN_ID and "resumed" in p["text"]
        )


async def test_migrated_channel_is_followed(fake: FakeTelegram, start_bot: StartBot) -> None:
    new_id = -1009999999999
    fake.add_channel(username=None, chat_id=new_id, title="Example News (new)")
    async with start_bot(publishing=QUIET) as app:
        services = app.bot_data.services
        first, second = await stored(services, draft(1, age_minutes=3), draft(2, age_minutes=2))
        fake.fail_next("sendMessage", Fault.chat_migrated(new_id))
        assert (await services.publisher.run_pass()).posted == [first, second]
        assert len(fake.messages(new_id)) == 2
        assert await services.publisher.chat_id() == new_id


async def test_correction_edits_instead_of_reposting(
    fake: FakeTelegram, start_bot: StartBot
) -> None:
    async with start_bot(publishing=QUIET) as app:
        services = app.bot_data.services
        (article_id,) = await stored(services, draft(1))
        await services.publisher.run_pass()
        await stored(services, draft(1, title="Story number 1, corrected"))
        report = await services.publisher.run_pass()
        assert report.corrected == [article_id] and report.posted == []
        (message,) = fake.messages(CHANNEL_ID)
        assert message.text is not None and message.text.startswith("Story number 1, corrected")
        assert message.edit_date is not None
        # An unrelated field change that renders the same post: no edit call at all.
        edits_before = len(fake.calls_of("editMessageText"))
        await stored(services, draft(1, title="Story number 1, corrected", body="New body."))
        await services.publisher.run_pass()
        assert len(fake.calls_of("editMessageText")) == edits_before


async def test_not_modified_edit_is_harmless(fake: FakeTelegram, start_bot: StartBot) -> None:
    async with start_bot(publishing=QUIET) as app:
        services = app.bot_data.services
        (article_id,) = await stored(services, draft(1))
        await services.publisher.run_pass()
        await stored(services, draft(1, summary="A changed lead."))
        fake.fail_next("editMessageText", Fault.not_modified())
        report = await services.publisher.run_pass()
        assert report.posted == [] and report.failed == []
        delivery = await DeliveryRepository(services.db.store).get(article_id)
        assert delivery is not None and delivery.state is DeliveryState.POSTED
        assert len(fake.messages(CHANNEL_ID)) == 1


async def test_pacing_spreads_posts_evenly(fake: FakeTelegram, start_bot: StartBot) -> None:
    per_minute = 120  # one every 0.5 s
    async with start_bot(publishing={"enabled": False, "max_posts_per_minute": per_minute}) as app:
        services = app.bot_data.services
        await stored(services, *(draft(n, age_minutes=30 - n) for n in range(6)))
        started = time.monotonic()
        assert len((await services.publisher.run_pass()).posted) == 6
        times = [c.at for c in fake.calls_of("sendMessage")]
        gaps = [b - a for a, b in itertools.pairwise(times)]
        # Measured where the fake receives them, so each arrival may lag its slot a little;
        # the whole run cannot be shorter than the spacing allows.
        assert min(gaps) >= 60 / per_minute / 2
        assert times[-1] - times[0] >= 5 * 60 / per_minute - 0.25
        assert time.monotonic() - started < 10


async def test_job_publishes_without_being_asked(fake: FakeTelegram, start_bot: StartBot) -> None:
    async with start_bot(publishing={"interval_seconds": 1, "max_posts_per_minute": 600}) as app:
        await stored(app.bot_data.services, draft(1))
        await fake.wait_for(lambda: channel_texts(fake), timeout=10)
        assert channel_texts(fake)[0].startswith("Story number 1")


async def test_alert_that_could_not_be_delivered_is_repeated_at_next_start(
    fake: FakeTelegram, start_bot: StartBot
) -> None:
    async with start_bot(publishing=QUIET, telegram={"request_timeout_seconds": 1.0}) as app:
        services = app.bot_data.services
        (article_id,) = await stored(services, draft(1))
        fake.fail_next("sendMessage", Fault.drop_connection(applied=True))
        assert (await services.publisher.run_pass()).uncertain == [article_id]
        # The editor never opened the bot: Telegram refused the alert.
        refused = [c for c in fake.calls_of("sendMessage") if c.params["chat_id"] == ADMIN_ID]
        assert refused and not any(c.ok for c in refused)
    fake.send_text(fake.user(ADMIN_ID, "Editor"), "/start")
    since = len(fake.calls)
    async with start_bot(publishing=QUIET):
        alert = await fake.wait_for_call(
            "sendMessage",
            lambda p: p["chat_id"] == ADMIN_ID and "Not sure" in p["text"],
            since=since,
        )
        assert alert.ok
