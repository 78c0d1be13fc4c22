"""The double's HTTP surface: answer shapes, request decoding, chats, messages, edits."""

from __future__ import annotations

import asyncio
import json
import logging
import time

import httpx
import pytest

from sandbox.fakeapi import NOT_MODIFIED, FakeTelegram
from tests.support import CHANNEL_ID as CHANNEL
from tests.support import TOKEN


async def test_get_me_uses_the_token_id(api) -> None:
    me = await api.ok("getMe")
    assert me["id"] == 123456
    assert me["is_bot"] is True
    assert me["first_name"] == "Newsdesk"
    assert me["username"] == "newsdesk_bot"
    assert me["can_join_groups"] is True


async def test_unknown_method_and_malformed_token(client: httpx.AsyncClient, api) -> None:
    status, body = await api("sendTelepathy", chat_id=CHANNEL)
    assert (status, body) == (
        404,
        {"ok": False, "error_code": 404, "description": "Not Found: method not found"},
    )
    response = await client.post("/botnot-a-token/getMe")
    assert response.status_code == 404
    assert response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
    response = await client.get("/favicon.ico")
    assert response.status_code == 404


async def test_configured_token_rejects_others() -> None:
    with FakeTelegram(token=TOKEN) as fake:
        async with httpx.AsyncClient(base_url=fake.url) as client:
            bad = await client.post("/bot123456:WRONG/getMe")
            good = await client.post(f"/bot{TOKEN}/getMe")
    assert bad.status_code == 401
    assert bad.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    assert good.status_code == 200


async def test_method_names_are_case_insensitive(api) -> None:
    assert (await api.ok("getme"))["id"] == 123456


async def test_form_fields_are_decoded_by_name(fake: FakeTelegram, api) -> None:
    markup = {"inline_keyboard": [[{"text": "More", "callback_data": "more:1"}]]}
    result = await api.ok(
        "sendMessage",
        chat_id=str(CHANNEL),
        text="123",
        reply_markup=markup,
        disable_notification=True,
    )
    assert result["text"] == "123"
    params = fake.calls_of("sendMessage")[0].params
    assert params == {
        "chat_id": CHANNEL,
        "text": "123",
        "reply_markup": markup,
        "disable_notification": True,
    }
    stored = fake.message(CHANNEL, result["message_id"])
    assert stored is not None
    assert stored.disable_notification is True
    assert stored.reply_markup == markup


async def test_json_body_and_query_string(fake: FakeTelegram, client: httpx.AsyncClient) -> None:
    response = await client.post(
        f"/bot{TOKEN}/sendMessage",
        json={"chat_id": "@example_news", "text": "true", "link_preview_options": "{}"},
    )
    assert response.status_code == 200, response.json()
    assert response.json()["result"]["text"] == "true"
    response = await client.get(f"/bot{TOKEN}/sendMessage?chat_id={CHANNEL}&text=via+query")
    assert response.json()["result"]["text"] == "via query"
    assert [c.params["chat_id"] for c in fake.calls_of("sendMessage")] == [
        "@example_news",
        CHANNEL,
    ]


async def test_multipart_upload_keeps_the_bytes(
    fake: FakeTelegram, client: httpx.AsyncClient
) -> None:
    image = b"\x89PNG\r\n\x1a\n\x00\r\n--not-a-boundary\r\n" * 10
    response = await client.post(
        f"/bot{TOKEN}/sendPhoto",
        data={"chat_id": str(CHANNEL), "caption": "<b>Photo</b>", "parse_mode": "HTML"},
        files={"photo": ("front.png", image, "image/png")},
    )
    assert response.status_code == 200, response.json()
    result = response.json()["result"]
    assert result["caption"] == "Photo"
    assert result["caption_entities"] == [{"offset": 0, "length": 5, "type": "bold"}]
    sizes = result["photo"]
    assert [s["width"] for s in sizes] == [90, 320, 800]
    assert all(s["file_id"] and s["file_unique_id"] and s["height"] for s in sizes)
    assert fake.file_bytes(sizes[-1]["file_id"]) == image
    params = fake.calls_of("sendPhoto")[0].params
    assert params["photo"] == {"upload": "front.png", "size": len(image)}
    stored = fake.message(CHANNEL, result["message_id"])
    assert stored is not None
    assert stored.raw_text == "<b>Photo</b>"
    assert stored.photo_source == {"kind": "upload", "filename": "front.png", "size": len(image)}


async def test_send_photo_by_url_and_by_file_id(api) -> None:
    first = await api.ok("sendPhoto", chat_id=CHANNEL, photo="https://example.com/a.jpg")
    file_id = first["photo"][-1]["file_id"]
    again = await api.ok("sendPhoto", chat_id=CHANNEL, photo=file_id)
    assert again["photo"] == first["photo"]
    description = await api.error("sendPhoto", 400, chat_id=CHANNEL, photo="nonsense")
    assert description == "Bad Request: wrong file identifier/HTTP URL specified"


async def test_channel_post_shape(api) -> None:
    result = await api.ok("sendMessage", chat_id="@EXAMPLE_NEWS", text="hello")
    assert result["message_id"] == 1
    assert result["chat"] == {
        "id": CHANNEL,
        "type": "channel",
        "title": "Example News",
        "username": "example_news",
    }
    assert result["sender_chat"] == result["chat"]
    assert "from" not in result
    assert isinstance(result["date"], int)


async def test_message_ids_count_per_chat(fake: FakeTelegram, api) -> None:
    fake.add_channel(username="other", chat_id=-1002, title="Other")
    ids = [
        (await api.ok("sendMessage", chat_id=CHANNEL, text=f"n{i}"))["message_id"]
        for i in range(3)
    ]
    assert ids == [1, 2, 3]
    assert (await api.ok("sendMessage", chat_id="@other", text="x"))["message_id"] == 1
    ann = fake.user(42)
    fake.send_text(ann, "/start")
    reply = await api.ok("sendMessage", chat_id=42, text="welcome")
    assert reply["message_id"] == 2  # the user's /start was message 1 of that private chat
    assert reply["chat"]["type"] == "private"
    assert reply["from"]["id"] == 123456


async def test_chat_access_errors(fake: FakeTelegram, api) -> None:
    assert await api.error("sendMessage", 400, chat_id="@nobody", text="x") == (
        "Bad Request: chat not found"
    )
    assert await api.error("sendMessage", 400, chat_id=-1009, text="x") == (
        "Bad Request: chat not found"
    )
    ann = fake.user(7, first_name="Ann")
    assert await api.error("sendMessage", 403, chat_id=7, text="hi") == (
        "Forbidden: bot can't initiate conversation with a user"
    )
    fake.send_text(ann, "hello")
    await api.ok("sendMessage", chat_id=7, text="hi")
    fake.block(7)
    assert await api.error("sendMessage", 403, chat_id=7, text="hi") == (
        "Forbidden: bot was blocked by the user"
    )
    fake.kick_from_channel("@example_news")
    assert await api.error("sendMessage", 403, chat_id=CHANNEL, text="x") == (
        "Forbidden: bot is not a member of the channel chat"
    )
    member = await api.ok("getChatMember", chat_id=CHANNEL, user_id=123456)
    assert member["status"] == "left"
    fake.restore_to_channel(CHANNEL)
    await api.ok("sendMessage", chat_id=CHANNEL, text="back")


async def test_edit_delete_pin_lifecycle(fake: FakeTelegram, api) -> None:
    markup = {"inline_keyboard": [[{"text": "Read", "url": "https://example.com/a"}]]}
    sent = await api.ok(
        "sendMessage", chat_id=CHANNEL, text="<i>v1</i>", parse_mode="HTML", reply_markup=markup
    )
    mid = sent["message_id"]
    edited = await api.ok(
        "editMessageText",
        chat_id=CHANNEL,
        message_id=mid,
        text="<i>v2</i>",
        parse_mode="HTML",
        reply_markup=markup,
    )
    assert edited["text"] == "v2"
    assert isinstance(edited["edit_date"], int)
    description = await api.error(
        "editMessageText",
        400,
        chat_id=CHANNEL,
        message_id=mid,
        text="<i>v2</i>",
        parse_mode="HTML",
        reply_markup=markup,
    )
    assert description == NOT_MODIFIED
    # Same text without the keyboard is a change: Telegram removes the keyboard.
    await api.ok(
        "editMessageText", chat_id=CHANNEL, message_id=mid, text="<i>v2</i>", parse_mode="HTML"
    )
    await api.ok("editMessageReplyMarkup", chat_id=CHANNEL, message_id=mid, reply_markup=markup)
    assert (
        await api.error(
            "editMessageReplyMarkup", 400, chat_id=CHANNEL, message_id=mid, reply_markup=markup
        )
        == NOT_MODIFIED
    )
    assert (
        await api.error("editMessageText", 400, chat_id=CHANNEL, message_id=99, text="x")
        == "Bad Request: message to edit not found"
    )
    assert (
        await api.error("editMessageCaption", 400, chat_id=CHANNEL, message_id=mid, caption="x")
        == "Bad Request: there is no caption in the message to edit"
    )
    assert await api.ok("pinChatMessage", chat_id=CHANNEL, message_id=mid) is True
    stored = fake.message(CHANNEL, mid)
    assert stored is not None
    assert (stored.text, stored.raw_text, stored.parse_mode) == ("v2", "<i>v2</i>", "HTML")
    assert stored.pinned and stored.edit_date is not None
    assert await api.ok("unpinChatMessage", chat_id=CHANNEL) is True
    assert not fake.messages(CHANNEL)[0].pinned
    assert await api.ok("deleteMessage", chat_id=CHANNEL, message_id=mid) is True
    assert fake.messages("@example_news")[0].deleted
    assert await api.error("deleteMessage", 400, chat_id=CHANNEL, message_id=mid) == (
        "Bad Request: message to delete not found"
    )
    assert (
        await api.error("editMessageText", 400, chat_id=CHANNEL, message_id=mid, text="x")
        == "Bad Request: message to edit not found"
    )


async def test_edit_caption(api) -> None:
    sent = await api.ok(
        "sendPhoto", chat_id=CHANNEL, photo="https://example.com/p.jpg", caption="old"
    )
    mid = sent["message_id"]
    result = await api.ok("editMessageCaption", chat_id=CHANNEL, message_id=mid, caption="new")
    assert result["caption"] == "new"
    assert (
        await api.error("editMessageCaption", 400, chat_id=CHANNEL, message_id=mid, caption="new")
        == NOT_MODIFIED
    )
    assert (
        await api.error("editMessageText", 400, chat_id=CHANNEL, message_id=mid, text="x")
        == "Bad Request: there is no text in the message to edit"
    )


async def test_commands_per_scope(api) -> None:
    commands = [{"command": "start", "description": "Start"}]
    assert await api.ok("setMyCommands", commands=commands) is True
    private = {"type": "all_private_chats"}
    await api.ok(
        "setMyCommands",
        commands=[{"command": "help", "description": "Help"}],
        scope=private,
        language_code="ar",
    )
    assert await api.ok("getMyCommands") == commands
    assert await api.ok("getMyCommands", scope=private) == []
    assert (await api.ok("getMyCommands", scope=private, language_code="ar"))[0][
        "command"
    ] == "help"
    assert await api.error(
        "setMyCommands", 400, commands=[{"command": "Bad!", "description": "x"}]
    )
    assert await api.ok("deleteMyCommands") is True
    assert await api.ok("getMyCommands") == []


async def test_chat_info_and_admins(fake: FakeTelegram, api) -> None:
    chat = await api.ok("getChat", chat_id="@example_news")
    assert chat["id"] == CHANNEL
    assert chat["type"] == "channel"
    assert "accepted_gift_types" in chat
    admins = await api.ok("getChatAdministrators", chat_id=CHANNEL)
    assert [(a["status"], a["user"]["id"]) for a in admins] == [("administrator", 123456)]
    assert admins[0]["can_post_messages"] is True
    assert await api.ok("sendChatAction", chat_id=CHANNEL, action="typing") is True
    assert await api.ok("close") is True
    assert await api.ok("logOut") is True
    assert await api.ok("deleteWebhook") is True
    assert (await api.ok("getWebhookInfo"))["url"] == ""


async def test_version_and_snapshot_track_changes(fake: FakeTelegram, api) -> None:
    before = fake.version
    await api.ok("sendMessage", chat_id=CHANNEL, text="<b>x</b>", parse_mode="HTML")
    assert fake.version > before
    snap = fake.snapshot()
    json.dumps(snap)  # JSON-able
    channel = next(c for c in snap["chats"] if c["id"] == CHANNEL)
    assert channel["messages"][0]["raw_text"] == "<b>x</b>"
    assert channel["messages"][0]["text"] == "x"
    assert fake.wait_for_change(fake.version, timeout=0.01) == fake.version


async def test_token_never_logged(
    fake: FakeTelegram, api, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="sandbox.fakeapi")
    await api.ok("getMe")
    await api("sendTelepathy")
    assert caplog.records, "the server logs requests at DEBUG"
    assert all("TEST-token" not in record.getMessage() for record in caplog.records)


async def test_stop_is_prompt_with_idle_keep_alive_connections(client: httpx.AsyncClient) -> None:
    fake = FakeTelegram().start()
    response = await client.post(f"{fake.base_url}{TOKEN}/getMe")
    assert response.headers.get("connection", "keep-alive").lower() != "close"
    started = time.monotonic()
    await asyncio.to_thread(fake.stop)
    assert time.monotonic() - started < 2


async def test_undecodable_bodies_are_bad_requests(client: httpx.AsyncClient) -> None:
    bad_utf8 = await client.post(
        f"/bot{TOKEN}/sendMessage",
        content=b"text=\xff",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert bad_utf8.status_code == 400
    bad_json = await client.post(
        f"/bot{TOKEN}/sendMessage",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert bad_json.status_code == 400
    bad_markup = await client.post(
        f"/bot{TOKEN}/sendMessage",
        data={"chat_id": str(CHANNEL), "text": "x", "reply_markup": "{oops"},
    )
    assert bad_markup.json()["description"] == "Bad Request: can't parse reply_markup JSON object"
