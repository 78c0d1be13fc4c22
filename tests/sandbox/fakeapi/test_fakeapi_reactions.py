"""Readers' reactions to channel posts over real HTTP: anonymous totals, coalesced, opt-in only."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Bot, ReactionTypeCustomEmoji, ReactionTypeEmoji, ReactionTypePaid, Update

from sandbox.fakeapi import FakeTelegram
from tests.support import CHANNEL_ID as CHANNEL
from tests.support import TOKEN

COUNTS = ["message_reaction_count"]


async def post(api) -> int:
    sent = await api.ok("sendMessage", chat_id=CHANNEL, text="story")
    message_id: int = sent["message_id"]
    return message_id


def counts_of(update: dict[str, Any]) -> list[tuple[str, int]]:
    """A message_reaction_count update's reactions as (reaction, total) pairs."""
    pairs = []
    for entry in update["message_reaction_count"]["reactions"]:
        kind = entry["type"]
        name = kind.get("emoji") or kind.get("custom_emoji_id") or kind["type"]
        pairs.append((name, entry["total_count"]))
    return pairs


async def test_counts_are_anonymous_totals_across_readers(fake: FakeTelegram, api) -> None:
    mid = await post(api)
    fake.react(fake.user(1), CHANNEL, mid, ["👍"])
    fake.react(fake.user(2), CHANNEL, mid, ["👍", "custom:5368324170671202286", "paid"])
    fake.react(fake.user(3), CHANNEL, mid, ["👍", "🔥"])

    [update] = await api.ok("getUpdates", allowed_updates=COUNTS)

    body = update["message_reaction_count"]
    assert body["chat"] == {
        "id": CHANNEL,
        "type": "channel",
        "title": "Example News",
        "username": "example_news",
    }
    assert body["message_id"] == mid
    assert isinstance(body["date"], int)
    assert body["reactions"] == [
        {"type": {"type": "emoji", "emoji": "👍"}, "total_count": 3},
        {
            "type": {"type": "custom_emoji", "custom_emoji_id": "5368324170671202286"},
            "total_count": 1,
        },
        {"type": {"type": "paid"}, "total_count": 1},
        {"type": {"type": "emoji", "emoji": "🔥"}, "total_count": 1},
    ]
    assert "user" not in body and "actor_chat" not in body  # nobody is named in a channel
    assert fake.reaction_counts(CHANNEL, mid) == {
        "👍": 3,
        "custom:5368324170671202286": 1,
        "paid": 1,
        "🔥": 1,
    }


async def test_two_changes_before_a_poll_arrive_as_one_update_with_the_latest_counts(
    fake: FakeTelegram, api
) -> None:
    mid = await post(api)
    ann, bob = fake.user(1), fake.user(2)
    fake.react(ann, CHANNEL, mid, ["👍"])
    fake.react(bob, CHANNEL, mid, ["👍"])
    fake.react(ann, CHANNEL, mid, ["👎"])  # a reader re-reacting replaces theirs
    fake.react(bob, CHANNEL, mid, ["👍", "🔥"])

    updates = await api.ok("getUpdates", allowed_updates=COUNTS)

    assert len(updates) == 1
    assert sorted(counts_of(updates[0])) == sorted([("👍", 1), ("👎", 1), ("🔥", 1)])


async def test_removing_the_last_reaction_of_a_type_drops_it(fake: FakeTelegram, api) -> None:
    mid = await post(api)
    ann, bob = fake.user(1), fake.user(2)
    fake.react(ann, CHANNEL, mid, ["👍", "❤"])
    fake.react(bob, CHANNEL, mid, ["👍"])
    [first] = await api.ok("getUpdates", allowed_updates=COUNTS)
    assert counts_of(first) == [("👍", 2), ("❤", 1)]

    fake.react(ann, CHANNEL, mid, [])
    [second] = await api.ok("getUpdates", offset=first["update_id"] + 1)
    assert counts_of(second) == [("👍", 1)]

    fake.react(bob, CHANNEL, mid, [])
    [third] = await api.ok("getUpdates", offset=second["update_id"] + 1)
    assert third["message_reaction_count"]["reactions"] == []
    assert fake.reaction_counts(CHANNEL, mid) == {}


async def test_a_change_after_delivery_comes_as_a_new_update(fake: FakeTelegram, api) -> None:
    mid = await post(api)
    fake.react(fake.user(1), CHANNEL, mid, ["👍"])
    [delivered] = await api.ok("getUpdates", allowed_updates=COUNTS)

    fake.react(fake.user(2), CHANNEL, mid, ["👍"])
    # Not yet confirmed, the delivered update comes again as it was; the change waits behind it.
    [again] = await api.ok("getUpdates", limit=1)
    assert again == delivered
    fake.react(fake.user(3), CHANNEL, mid, ["🔥"])  # folds into the waiting one
    [new] = await api.ok("getUpdates", offset=delivered["update_id"] + 1)
    assert new["update_id"] > delivered["update_id"]
    assert counts_of(new) == [("👍", 2), ("🔥", 1)]

    fake.react(fake.user(3), CHANNEL, mid, [])  # `new` was delivered: this one is another
    updates = await api.ok("getUpdates", offset=delivered["update_id"] + 1)
    assert [u["update_id"] for u in updates] == [new["update_id"], new["update_id"] + 1]
    assert counts_of(updates[0]) == [("👍", 2), ("🔥", 1)]  # what was delivered stays as it was
    assert counts_of(updates[1]) == [("👍", 2)]


async def test_posts_are_coalesced_each_on_its_own(fake: FakeTelegram, api) -> None:
    first, second = await post(api), await post(api)
    fake.react(fake.user(1), CHANNEL, first, ["👍"])
    fake.react(fake.user(1), CHANNEL, second, ["🔥"])
    fake.react(fake.user(2), CHANNEL, first, ["👍"])

    updates = await api.ok("getUpdates", allowed_updates=COUNTS)

    assert [u["message_reaction_count"]["message_id"] for u in updates] == [first, second]
    assert [counts_of(u) for u in updates] == [[("👍", 2)], [("🔥", 1)]]


@pytest.mark.parametrize("allowed", [None, [], ["channel_post", "callback_query"]])
async def test_counts_are_not_delivered_unless_asked_for(
    fake: FakeTelegram, api, allowed: list[str] | None
) -> None:
    mid = await post(api)
    fake.react(fake.user(1), CHANNEL, mid, ["👍"])
    params = {} if allowed is None else {"allowed_updates": allowed}

    assert await api.ok("getUpdates", **params) == []
    # Telegram never made the update for a bot that did not ask: asking later does not bring it.
    assert await api.ok("getUpdates", allowed_updates=COUNTS) == []
    assert fake.reaction_counts(CHANNEL, mid) == {"👍": 1}  # the readers' reactions still stand
    fake.react(fake.user(2), CHANNEL, mid, ["👍"])
    [update] = await api.ok("getUpdates")  # the setting holds until changed
    assert counts_of(update) == [("👍", 2)]


async def test_the_default_still_delivers_every_other_kind(fake: FakeTelegram, api) -> None:
    markup = {"inline_keyboard": [[{"text": "Like", "callback_data": "like"}]]}
    sent = await api.ok("sendMessage", chat_id=CHANNEL, text="story", reply_markup=markup)
    ann = fake.user(1)
    fake.send_text(ann, "hello")
    fake.react(ann, CHANNEL, sent["message_id"], ["👍"])
    fake.press_button(ann, CHANNEL, sent["message_id"], "like")

    updates = await api.ok("getUpdates", allowed_updates=[])

    assert [next(k for k in u if k != "update_id") for u in updates] == [
        "message",
        "callback_query",
    ]


async def test_a_bot_that_is_not_an_admin_hears_nothing(fake: FakeTelegram, api) -> None:
    mid = await post(api)
    fake.kick_from_channel(CHANNEL)
    fake.react(fake.user(1), CHANNEL, mid, ["👍"])
    fake.add_channel("quiet", chat_id=-100555, title="Quiet", bot_is_admin=False)
    await api.ok("sendMessage", chat_id=-100555, text="not the bot's post, but one")
    fake.react(fake.user(1), -100555, 1, ["👍"])

    assert await api.ok("getUpdates", allowed_updates=COUNTS) == []
    assert fake.reaction_counts(CHANNEL, mid) == {"👍": 1}
    assert fake.reaction_counts("@quiet", 1) == {"👍": 1}


async def test_an_unchanged_reaction_sends_nothing(fake: FakeTelegram, api) -> None:
    mid = await post(api)
    fake.react(fake.user(1), CHANNEL, mid, ["👍", "🔥"])
    [first] = await api.ok("getUpdates", allowed_updates=COUNTS)

    fake.react(fake.user(1), CHANNEL, mid, ["🔥", "👍"])
    fake.react(fake.user(2), CHANNEL, mid, [])

    assert await api.ok("getUpdates", offset=first["update_id"] + 1) == []


async def test_bad_reactions_are_value_errors(fake: FakeTelegram, api) -> None:
    mid = await post(api)
    ann = fake.user(1)
    group = fake.add_group(chat_id=-100777)
    fake.send_text(ann, "hi all", chat=group.id)
    cases: list[tuple[Any, int, Any, str]] = [
        (CHANNEL, 99, ["👍"], "no message 99"),
        (-100999, 1, ["👍"], "no message 1 in chat -100999"),
        (group.id, 1, ["👍"], "channels only"),
        (CHANNEL, mid, ["❤️"], "without U\\+FE0F"),
        (CHANNEL, mid, ["🙂"], "not a reaction emoji"),
        (CHANNEL, mid, ["custom:abc"], "must be digits"),
        (CHANNEL, mid, ["👍", "👍"], "each reaction once"),
        (CHANNEL, mid, ["👍", "👎", "🔥", "❤"], "at most 3"),
        (CHANNEL, mid, "👍", "not one string"),
    ]
    for chat, message_id, reactions, error in cases:
        with pytest.raises(ValueError, match=error):
            fake.react(ann, chat, message_id, reactions)
    fake.react(ann, CHANNEL, mid, ["👍", "👎", "🔥", "paid"])  # paid comes on top of three
    assert await api.ok("deleteMessage", chat_id=CHANNEL, message_id=mid) is True
    with pytest.raises(ValueError, match="is deleted"):
        fake.react(ann, CHANNEL, mid, [])
    with pytest.raises(ValueError, match="no message 99"):
        fake.reaction_counts(CHANNEL, 99)


async def test_a_message_carries_at_most_eleven_reaction_types(fake: FakeTelegram, api) -> None:
    mid = await post(api)
    many = ["👍", "👎", "❤", "🔥", "🥰", "👏", "😁", "🤔", "🤯", "😱", "🤬", "😢"]
    for reader, emoji in enumerate(many[:11], start=1):
        fake.react(fake.user(reader), CHANNEL, mid, [emoji])

    with pytest.raises(ValueError, match="at most 11 reaction types"):
        fake.react(fake.user(12), CHANNEL, mid, [many[11]])
    fake.react(fake.user(12), CHANNEL, mid, [many[0]])  # an existing type is fine
    assert fake.reaction_counts(CHANNEL, mid)["👍"] == 2


async def test_the_snapshot_shows_each_posts_counts(fake: FakeTelegram, api) -> None:
    mid = await post(api)
    fake.react(fake.user(1), CHANNEL, mid, ["👍"])
    fake.react(fake.user(2), CHANNEL, mid, ["👍", "🔥"])

    channel = next(c for c in fake.snapshot()["chats"] if c["id"] == CHANNEL)

    assert channel["messages"][0]["reactions"] == {"👍": 2, "🔥": 1}
    stored = fake.message(CHANNEL, mid)
    assert stored is not None and stored.reaction_counts() == {"👍": 2, "🔥": 1}


async def test_ptb_reads_the_update_as_message_reaction_count(fake: FakeTelegram, api) -> None:
    mid = await post(api)
    fake.react(fake.user(1), CHANNEL, mid, ["👍", "custom:42", "paid"])

    async with Bot(token=TOKEN, base_url=fake.base_url) as bot:
        [update] = await bot.get_updates(allowed_updates=[Update.MESSAGE_REACTION_COUNT])

    counted = update.message_reaction_count
    assert counted is not None
    assert (counted.chat.id, counted.message_id) == (CHANNEL, mid)
    [emoji, custom, paid] = counted.reactions
    assert isinstance(emoji.type, ReactionTypeEmoji) and emoji.type.emoji == "👍"
    assert isinstance(custom.type, ReactionTypeCustomEmoji)
    assert custom.type.custom_emoji_id == "42"
    assert isinstance(paid.type, ReactionTypePaid)
    assert [r.total_count for r in counted.reactions] == [1, 1, 1]
