"""/pause and /resume, for every channel or one: the editors' pauses, stored and kept in memory.

`/pause` alone stops automatic publishing everywhere (the key it always used, so a pause from
before editions survives an upgrade); `/pause <channel>` stops one channel under its own key,
which the publisher reads before draining that channel. `/resume <channel>` while everything
is paused lifts the pause for that channel only: the others stay paused, each under its own key
with the same reason. Breaking news and /post go out regardless — they are deliberate.
"""

from __future__ import annotations

from bot import catalogue
from bot.clock import Clock
from bot.config import Settings
from bot.control.audit import AuditTrail
from bot.control.editors import Actor, Reply, esc, when
from bot.publishing.service import EDITOR_PAUSED_KEY, PublishingService, channel_pause_key
from storage.database import Database
from storage.state import StateRepository


def unknown_channel(settings: Settings, name: str, language: str) -> Reply:
    """The polite answer to a channel name no [[channels]] entry has: the names there are."""
    names = ", ".join(f"<code>{esc(channel.name)}</code>" for channel in settings.channels)
    return Reply(catalogue.text("channel_unknown", language, name=esc(name[:64]), names=names))


def editions_only(settings: Settings, arg: str) -> str:
    """A channel argument, or "" with one channel: there the text after the command was always
    ignored, and a desk with one channel keeps behaving exactly as before editions."""
    return arg if len(settings.channels) > 1 else ""


def channel_named(settings: Settings, arg: str, language: str) -> str | Reply | None:
    """The channel an editor's command names: its configured name, None when none is named
    (or the desk has one channel), or the polite answer to a name no channel has."""
    arg = editions_only(settings, arg)
    if not arg:
        return None
    found = find_channel(settings, arg)
    return unknown_channel(settings, arg, language) if found is None else found


def find_channel(settings: Settings, name: str) -> str | None:
    """A configured channel's name as typed by an editor (any case, an @ allowed), or None."""
    wanted = name.strip().lower()
    for channel in settings.channels:
        if wanted in (channel.name.lower(), channel.chat.lower(), f"@{channel.name.lower()}"):
            return channel.name
    return None


class Pauses:
    """The editors' pauses: everything, or per channel."""

    def __init__(
        self,
        *,
        db: Database,
        settings: Settings,
        publisher: PublishingService,
        audit: AuditTrail,
        clock: Clock,
    ) -> None:
        self._db, self._settings, self._publisher = db, settings, publisher
        self._audit, self._clock = audit, clock
        self.everything: str | None = None
        self.channels: dict[str, str] = {}

    async def load(self) -> None:
        """Read the pauses that survived a restart."""
        state = StateRepository(self._db.store)
        self.everything = await state.get(EDITOR_PAUSED_KEY)
        self.channels = {}
        for channel in self._settings.channels:
            reason = await state.get(channel_pause_key(channel.name))
            if reason is not None:
                self.channels[channel.name] = reason

    def reason(self, channel: str) -> str | None:
        """Why a channel's routine posts wait for an editor, or None."""
        return self.everything or self.channels.get(channel)

    async def pause(self, actor: Actor, arg: str = "") -> Reply:
        """/pause [channel]: automatic publishing stops after the post in flight."""
        language = actor.language
        channel = channel_named(self._settings, arg, language)
        if isinstance(channel, Reply):
            return channel
        current = self.reason(channel) if channel else self.everything
        if current:
            return Reply(catalogue.text("pause_already", language, reason=esc(current)))
        # Stored and shown to every editor: in the desk's language, not the pauser's.
        desk = catalogue.pick_language(self._settings.site.language)
        at = when(self._clock(), self._settings.site.tz, desk)
        reason = catalogue.phrase("pause_reason", desk, name=actor.name, when=at)
        key = channel_pause_key(channel) if channel else EDITOR_PAUSED_KEY
        async with self._db.write() as conn:
            await StateRepository(conn).put(key, reason, now=self._clock())
        if channel is None:
            self.everything = reason
            await self._audit.record(actor, "pause", "publishing", "paused")
            return Reply(catalogue.text("paused", language))
        self.channels[channel] = reason
        await self._audit.record(actor, "pause", f"channel {channel}", "paused")
        return Reply(catalogue.text("paused_channel", language, channel=esc(channel)))

    async def resume(self, actor: Actor, arg: str = "") -> Reply:
        """/resume [channel]: automatic publishing goes on at once."""
        language = actor.language
        channel = channel_named(self._settings, arg, language)
        if isinstance(channel, Reply):
            return channel
        if channel is None:
            if not self.everything and not self.channels:
                return Reply(catalogue.text("resume_not_paused", language))
            await self._lift(EDITOR_PAUSED_KEY, *map(channel_pause_key, self.channels))
            self.everything, self.channels = None, {}
            self._publisher.kick()
            await self._audit.record(actor, "resume", "publishing", "resumed")
            return Reply(catalogue.text("resumed", language))
        if not self.reason(channel):
            named = esc(channel)
            return Reply(catalogue.text("resume_channel_not_paused", language, channel=named))
        if self.everything:  # the others stay paused, each on its own
            others = [c.name for c in self._settings.channels if c.name != channel]
            async with self._db.write() as conn:
                for name in others:
                    if name not in self.channels:
                        await StateRepository(conn).put(
                            channel_pause_key(name), self.everything, now=self._clock()
                        )
                        self.channels[name] = self.everything
            await self._lift(EDITOR_PAUSED_KEY)
            self.everything = None
        await self._lift(channel_pause_key(channel))
        self.channels.pop(channel, None)
        self._publisher.kick()
        await self._audit.record(actor, "resume", f"channel {channel}", "resumed")
        return Reply(catalogue.text("resumed_channel", language, channel=esc(channel)))

    async def _lift(self, *keys: str) -> None:
        async with self._db.write() as conn:
            for key in keys:
                await StateRepository(conn).delete(key)
