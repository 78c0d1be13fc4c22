"""The double's records: users, chats, stored messages and recorded calls.

Tests assert on what a channel reader would see (current text, edits, pins, deletions), not
only on the calls the bot made, so every message is kept as mutable state next to the raw
HTML the bot sent. Each record renders itself in the Bot API's JSON shape so results and
updates de-serialise in python-telegram-bot exactly as Telegram's would.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

JsonDict = dict[str, Any]
# How a test names a chat: its id, or a channel's "@username".
ChatRef = int | str
# Distinct reaction types one message may carry (getChat's max_reaction_count; Telegram's
# default for channels).
MAX_REACTION_COUNT = 11


@dataclass
class FakeUser:
    """A human Telegram user the test acts as."""

    id: int
    first_name: str = "Ann"
    language_code: str | None = "en"
    username: str | None = None
    started: bool = False  # has written to the bot, so a private chat exists
    blocked: bool = False

    def to_api(self) -> JsonDict:
        """The Bot API ``User`` object."""
        data: JsonDict = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.username:
            data["username"] = self.username
        if self.language_code:
            data["language_code"] = self.language_code
        return data


@dataclass
class FakeChat:
    """A channel, group, supergroup or private chat known to the double."""

    id: int
    type: str
    title: str | None = None
    username: str | None = None
    first_name: str | None = None
    bot_is_member: bool = True
    bot_is_admin: bool = True
    owner_id: int | None = None
    next_message_id: int = 1

    def take_message_id(self) -> int:
        """Allocate the next per-chat message id (ids count from 1 in every chat)."""
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id

    def to_api(self) -> JsonDict:
        """The Bot API ``Chat`` object."""
        data: JsonDict = {"id": self.id, "type": self.type}
        if self.title is not None:
            data["title"] = self.title
        if self.username is not None:
            data["username"] = self.username
        if self.first_name is not None:
            data["first_name"] = self.first_name
        return data

    def full_info(self) -> JsonDict:
        """The Bot API ``ChatFullInfo`` object returned by getChat."""
        data = self.to_api()
        data.update(
            accent_color_id=0,
            max_reaction_count=MAX_REACTION_COUNT,
            accepted_gift_types={
                "unlimited_gifts": False,
                "limited_gifts": False,
                "unique_gifts": False,
                "premium_subscription": False,
                "gifts_from_channels": False,
            },
        )
        return data


@dataclass
class StoredMessage:
    """A message as it currently stands, including edits, pins and deletion."""

    chat_id: int
    message_id: int
    date: int
    sender: JsonDict  # the bot's or the user's User object
    from_bot: bool
    text: str | None = None
    caption: str | None = None
    raw_text: str | None = None  # text or caption exactly as sent, before parse_mode
    parse_mode: str | None = None
    entities: list[JsonDict] = field(default_factory=list)
    photo: list[JsonDict] | None = None
    photo_source: JsonDict | None = None  # {"kind": "url"|"file_id"|"upload", ...}
    reply_markup: JsonDict | None = None
    disable_notification: bool = False
    link_preview_options: JsonDict | None = None
    reply_to_message_id: int | None = None
    edit_date: int | None = None
    pinned: bool = False
    deleted: bool = False
    # Each reader's current reactions ("👍", "custom:<id>", "paid"), by user id: a reader
    # re-reacting replaces theirs, so the counts are always totals across readers.
    readers_reactions: dict[int, tuple[str, ...]] = field(default_factory=dict)

    def reaction_counts(self) -> dict[str, int]:
        """Readers per reaction, most common first (ties in the readers' order); no zeros."""
        counts: dict[str, int] = {}
        for reactions in self.readers_reactions.values():
            for reaction in reactions:
                counts[reaction] = counts.get(reaction, 0) + 1
        return dict(sorted(counts.items(), key=lambda item: -item[1]))

    def to_api(self, chat: FakeChat, reply_to: StoredMessage | None = None) -> JsonDict:
        """The Bot API ``Message`` object (``sender_chat`` instead of ``from`` in channels)."""
        data: JsonDict = {"message_id": self.message_id, "date": self.date}
        if chat.type == "channel":
            data["sender_chat"] = chat.to_api()
        else:
            data["from"] = self.sender
        data["chat"] = chat.to_api()
        if self.edit_date is not None:
            data["edit_date"] = self.edit_date
        if reply_to is not None:
            data["reply_to_message"] = reply_to.to_api(chat)
        if self.text is not None:
            data["text"] = self.text
            if self.entities:
                data["entities"] = self.entities
        if self.photo is not None:
            data["photo"] = self.photo
        if self.caption is not None:
            data["caption"] = self.caption
            if self.entities:
                data["caption_entities"] = self.entities
        if self.link_preview_options is not None:
            data["link_preview_options"] = self.link_preview_options
        if self.reply_markup is not None and "inline_keyboard" in self.reply_markup:
            data["reply_markup"] = self.reply_markup
        return data

    def snapshot(self) -> JsonDict:
        """A JSON-able view of the full stored state, for the web view."""
        return {
            "message_id": self.message_id,
            "date": self.date,
            "from_bot": self.from_bot,
            "sender": self.sender,
            "text": self.text,
            "caption": self.caption,
            "raw_text": self.raw_text,
            "parse_mode": self.parse_mode,
            "entities": self.entities,
            "photo": self.photo,
            "photo_source": self.photo_source,
            "reply_markup": self.reply_markup,
            "disable_notification": self.disable_notification,
            "link_preview_options": self.link_preview_options,
            "reply_to_message_id": self.reply_to_message_id,
            "edit_date": self.edit_date,
            "pinned": self.pinned,
            "deleted": self.deleted,
            "reactions": self.reaction_counts(),
        }


@dataclass
class WebhookConfig:
    """The webhook setWebhook installed, and how delivery to it has fared (getWebhookInfo)."""

    url: str
    host: str
    port: int
    target: str  # path and query string the updates are POSTed to
    secret_token: str | None
    max_connections: int
    generation: int  # changes with every setWebhook, so stale deliveries can tell
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass(frozen=True)
class RecordedCall:
    """One API call as the double answered it."""

    method: str
    params: JsonDict
    at: float  # time.monotonic() when the call arrived
    wall: float  # time.time() when the call arrived
    status: int  # HTTP status answered; 0 when the connection was dropped without one
    result_or_error: Any  # ``result`` on success, else the error body
    fault: str | None = None  # kind of injected fault that shaped the answer, if any
    via_reply: bool = False  # carried in the bot's answer to a webhook POST, not a request

    @property
    def ok(self) -> bool:
        """Whether the call was answered with ``ok: true``."""
        return self.status == 200


@dataclass
class PressRecord:
    """When a button press was made and when (and how) the bot's answer reached the double.

    Toast latency and late answers are what a reader feels in a storm of presses, so the double
    keeps them per query id for tests and benchmarks to read, instead of leaving them to be
    recovered from the call log. Times are ``time.monotonic()``, one clock across processes.
    """

    user_id: int
    created: float  # when the press was made (its update enqueued)
    answered: float | None = None  # when the first answer for it arrived, accepted or not
    refused: bool = False  # that answer came too late (Telegram's "query is too old")
    confirmed: bool = False  # the bot confirmed its update (a getUpdates offset, a webhook 2xx)

    @property
    def latency(self) -> float | None:
        """Seconds from the press to its first answer, or None if unanswered."""
        return None if self.answered is None else self.answered - self.created
