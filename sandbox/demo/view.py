"""What the demo page shows and does, in terms of the double's record.

The page has two panes: the channel as a subscriber sees it, and the private chat of one of two
people (a subscriber, or an editor listed in `telegram.admins`). Everything shown is read from
the double (`FakeTelegram.messages`, `commands`), and everything done goes through it
(`send_text`, `press_button`), so the bot cannot tell the page from a Telegram client.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
from dataclasses import dataclass
from html import escape
from importlib.resources import files
from string import Template
from typing import Any
from zoneinfo import ZoneInfo

from sandbox.demo.render import pinned_bar, with_days
from sandbox.fakeapi import FakeTelegram, FakeUser, StoredMessage

# How often a waiting request looks for news; the double's version is one lock away.
POLL_SECONDS = 0.1


@dataclass(frozen=True)
class Persona:
    """Someone the page can act as."""

    key: str
    label: str
    user: FakeUser


class UnknownPersonaError(ValueError):
    """The page asked to act as someone the demo does not have."""


@dataclass(frozen=True)
class Edition:
    """A configured channel as the page shows it."""

    name: str
    chat_id: int
    title: str
    handle: str


class DemoView:
    """Renders the panes from the double and acts on it for the page."""

    def __init__(
        self,
        fake: FakeTelegram,
        *,
        channel_id: int,
        channel_title: str,
        channel_handle: str,
        bot_username: str,
        tz: ZoneInfo,
        personas: list[Persona],
        editions: list[Edition] | None = None,
    ) -> None:
        self._fake = fake
        self._editions = editions or [Edition("", channel_id, channel_title, channel_handle)]
        self._channel_id = channel_id
        self._channel_title = channel_title
        self._channel_handle = channel_handle
        self._bot_username = bot_username
        self._tz = tz
        self._personas = {persona.key: persona for persona in personas}
        self._template = Template(
            (files("sandbox.demo") / "static" / "index.html").read_text("utf-8")
        )

    def persona(self, key: str) -> Persona:
        """The persona called `key`."""
        try:
            return self._personas[key]
        except KeyError:
            raise UnknownPersonaError(key) from None

    # -- reading -----------------------------------------------------------------------------

    def _menu(self, persona: Persona) -> str:
        """The bot's command menu for this person, as set by setMyCommands."""
        scoped = self._fake.commands({"type": "chat", "chat_id": persona.user.id})
        commands = scoped or self._fake.commands()
        items = []
        for command in commands:
            name = escape(f"/{command.get('command', '')}", quote=True)
            items.append(
                f'<button type="button" class="menu-item" data-cmd="{name}">'
                f'<span class="menu-cmd">{name}</span>'
                f'<span class="menu-desc">{escape(str(command.get("description", "")))}</span>'
                "</button>"
            )
        return "".join(items)

    def _chat(self, persona: Persona) -> str:
        messages = [m for m in self._fake.messages(persona.user.id) if not m.deleted]
        if not messages:
            return (
                '<div class="empty-chat"><p>This is your private chat with the bot.</p>'
                '<button type="button" class="start" data-cmd="/start">START</button></div>'
            )
        return with_days(messages, self._tz, where="chat")

    def channel_messages(self) -> list[StoredMessage]:
        """The channel's messages a subscriber can see (deleted ones are gone)."""
        return [m for m in self._fake.messages(self._channel_id) if not m.deleted]

    def editions(self) -> list[dict[str, Any]]:
        """Every channel's posts (the editions), in the configured order."""
        shown = []
        for edition in self._editions:
            posts = [m for m in self._fake.messages(edition.chat_id) if not m.deleted]
            shown.append(
                {
                    "name": edition.name,
                    "title": edition.title,
                    "handle": edition.handle,
                    "count": len(posts),
                    "html": with_days(posts, self._tz, where="channel"),
                }
            )
        return shown

    def state(self, key: str) -> dict[str, Any]:
        """Both panes' HTML for `key`'s point of view, with an etag of the content."""
        persona = self.persona(key)
        editions = self.editions()  # the first is the channel pane's (rendered once)
        state: dict[str, Any] = {
            "as": persona.key,
            "channel": editions[0]["html"],
            "pinned": pinned_bar(self.channel_messages()),
            "count": editions[0]["count"],
            "chat": self._chat(persona),
            "menu": self._menu(persona),
            "editions": editions,
        }
        digest = hashlib.sha256(json.dumps(state, sort_keys=True).encode()).hexdigest()
        state["etag"] = digest[:20]
        return state

    async def changed(self, key: str, etag: str, within: float) -> dict[str, Any]:
        """The state once it differs from `etag`, or the same state after `within` seconds."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        seen = -1
        state = self.state(key)
        while True:
            version = self._fake.version
            if version != seen:  # most versions are the bot's own getUpdates: re-check content
                seen = version
                state = self.state(key)
                if state["etag"] != etag:
                    return state
            if loop.time() >= deadline:
                return state
            await asyncio.sleep(POLL_SECONDS)

    def _tabs(self) -> str:
        """One button per edition; the page shows one edition at a time (the first at start)."""
        if len(self._editions) < 2:
            return ""
        return "".join(
            f'<button type="button" class="edition-tab" data-edition="{index}" '
            f'aria-pressed="{"true" if index == 0 else "false"}">'
            f"{escape(edition.handle)}</button>"
            for index, edition in enumerate(self._editions)
        )

    def page(self, key: str) -> str:
        """The whole page, server-rendered, for `key`'s point of view."""
        state = self.state(key)
        return self._template.substitute(
            persona=escape(key, quote=True),
            etag=state["etag"],
            channel_title=escape(self._channel_title),
            channel_handle=escape(self._channel_handle),
            bot_username=escape(self._bot_username),
            count=state["count"],
            pinned=state["pinned"],
            channel=state["channel"],
            chat=state["chat"],
            menu=state["menu"],
            tabs=self._tabs(),
            subscriber_checked="checked" if key == "subscriber" else "",
            admin_checked="checked" if key == "admin" else "",
        )

    # -- acting ------------------------------------------------------------------------------

    def send(self, key: str, text: str) -> int:
        """Type `text` into the private chat as `key`; returns the update id."""
        return self._fake.send_text(self.persona(key).user, text)

    def press(self, key: str, where: str, message_id: int, data: str, edition: int = 0) -> str:
        """Press a callback button as `key` in a channel (edition `edition`, in the configured
        order) or the private chat; the query id."""
        persona = self.persona(key)
        if where == "channel" and not 0 <= edition < len(self._editions):
            raise ValueError(f"no edition {edition}")
        chat = self._editions[edition].chat_id if where == "channel" else persona.user.id
        return self._fake.press_button(persona.user, chat, message_id, data)

    async def answer(self, query_id: str, within: float) -> dict[str, Any] | None:
        """The bot's answerCallbackQuery for `query_id` (the toast), once given."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            answer = self._fake.callback_answers(query_id)
            if answer is not None or loop.time() >= deadline:
                return answer
            await asyncio.sleep(POLL_SECONDS)
