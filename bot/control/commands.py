"""One entry point for every admin command and button, whichever way it reaches the bot.

A command arrives as a message, or later from the "Run it now" button of a command that was
held because it waited in Telegram's queue while the bot was down. Both go through `run`, so a
held command does exactly what it would have done, and handlers stay a few lines long.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import catalogue
from bot.breaking.service import BreakingService
from bot.callbacks import (
    BreakingAction,
    BreakingChannel,
    EditorButton,
    HeldDecision,
    RetractDecision,
)
from bot.clock import Clock
from bot.config import Settings
from bot.control.audit import AuditTrail
from bot.control.editors import Actor, Editors, Reply, ago, article_number, buttons, esc, when
from bot.control.retract import RetractionService
from bot.control.service import ControlService
from bot.insight.editors import InsightDesk
from storage.audit import HeldCommandRepository
from storage.database import Database

STALE_AFTER = timedelta(minutes=5)  # older than this on arrival: ask before running
HELD_VALID = timedelta(minutes=10)  # how long "Run it now" works
ADMIN_COMMANDS = (
    "breaking",
    "retract",
    "status",
    "pause",
    "resume",
    "post",
    "retry",
    "skip",
    "audit",
    "top",
    "story",
)


@dataclass(frozen=True)
class Command:
    """An admin command as typed: its name, the text after it, a photo it replied to."""

    name: str
    args: str
    photo_file_id: str | None
    sent_at: datetime


class AdminCommands:
    """Routes commands and button presses to the admin services."""

    def __init__(
        self,
        *,
        db: Database,
        settings: Settings,
        breaking: BreakingService,
        retraction: RetractionService,
        control: ControlService,
        insight: InsightDesk,
        audit: AuditTrail,
        editors: Editors,
        clock: Clock,
    ) -> None:
        self._db, self._settings, self._clock = db, settings, clock
        self._breaking, self._retraction, self._control = breaking, retraction, control
        self._insight = insight
        self._audit, self._editors = audit, editors

    async def handle(self, actor: Actor, command: Command) -> Reply:
        """A command message: run it, unless it is stale (then ask to confirm it again)."""
        self._editors.check(actor)
        if self._clock() - command.sent_at > STALE_AFTER:
            return await self._hold(actor, command)
        return await self.run(actor, command)

    async def run(self, actor: Actor, command: Command) -> Reply:
        """Do what the command says."""
        args = command.args.strip()
        number = article_number(args)
        plain: dict[str, Callable[[Actor], Awaitable[Reply]]] = {
            "status": self._control.status,
            "audit": self._control.audit,
        }
        by_id: dict[str, Callable[[Actor, int], Awaitable[Reply]]] = {
            "breaking": self._breaking.prepare_existing,
            "retract": self._retraction.ask,
            "retry": self._control.retry,
            "skip": self._control.skip,
            "story": self._insight.story,
        }
        # Commands that read their own arguments (a channel, a period).
        with_args: dict[str, Callable[[Actor, str], Awaitable[Reply]]] = {
            "pause": self._control.pause,
            "resume": self._control.resume,
            "top": self._insight.top,
        }
        if command.name in with_args:
            return await with_args[command.name](actor, args)
        if command.name in plain:
            return await plain[command.name](actor)
        if command.name in by_id and number is not None:
            return await by_id[command.name](actor, number)
        if command.name == "breaking":
            return await self._breaking.prepare(actor, args, command.photo_file_id)
        if command.name == "post" and args:
            target, _, channel = args.partition(" ")
            return await self._control.post(actor, target, channel.strip())
        return Reply(catalogue.text("usage_article_id", actor.language, command=esc(command.name)))

    async def press(self, actor: Actor, button: EditorButton) -> Reply:
        """An admin button: Publish / Post again / Cancel, retract or keep, run a held command."""
        self._editors.check(actor)
        if isinstance(button, HeldDecision):
            return await self._decide_held(actor, button.held_id, run=button.run)
        if isinstance(button, BreakingChannel):
            return await self._breaking.toggle(actor, button.preview_id, button.index)
        if isinstance(button, RetractDecision):
            retraction = self._retraction
            decide = retraction.confirm if button.confirm else retraction.keep
            return await decide(actor, button.article_id)
        breaking: dict[BreakingAction, Callable[[Actor, int], Awaitable[Reply]]] = {
            BreakingAction.PUBLISH: self._breaking.publish,
            BreakingAction.PUBLISH_AGAIN: self._breaking.publish_again,
            BreakingAction.CANCEL: self._breaking.cancel,
        }
        return await breaking[button.action](actor, button.preview_id)

    async def _hold(self, actor: Actor, command: Command) -> Reply:
        now = self._clock()
        async with self._db.write() as conn:
            held_id = await HeldCommandRepository(conn).hold(
                actor_id=actor.id,
                command=command.name,
                args=command.args,
                photo_file_id=command.photo_file_id,
                sent_at=command.sent_at,
                now=now,
            )
        late = (now - command.sent_at).total_seconds()
        typed = f"/{command.name} {command.args}".strip()
        await self._audit.record(
            actor, command.name, command.args, f"held: arrived {ago(late)} late"
        )
        language = actor.language
        return Reply(
            catalogue.text(
                "held_ask",
                language,
                at=when(command.sent_at, self._settings.site.tz, language),
                late=ago(late, language),
                typed=esc(typed[:300]),
            ),
            buttons(
                (
                    catalogue.text("button_run_held", language),
                    HeldDecision(run=True, held_id=held_id),
                ),
                (
                    catalogue.text("button_drop_held", language),
                    HeldDecision(run=False, held_id=held_id),
                ),
            ),
        )

    async def _decide_held(self, actor: Actor, held_id: int, *, run: bool) -> Reply:
        async with self._db.write() as conn:
            held = await HeldCommandRepository(conn).take(
                held_id, actor_id=actor.id, state="run" if run else "dropped"
            )
        if held is None:
            return Reply(catalogue.text("held_decided", actor.language), close_question=True)
        if not run:
            await self._audit.record(actor, held.command, held.args, "held command dropped")
            return Reply(catalogue.text("held_dropped", actor.language), close_question=True)
        if self._clock() - held.held_at > HELD_VALID:
            await self._audit.record(actor, held.command, held.args, "held command expired")
            return Reply(catalogue.text("held_expired", actor.language), close_question=True)
        command = Command(held.command, held.args, held.photo_file_id, self._clock())
        reply = await self.run(actor, command)
        return Reply(reply.text, reply.markup, reply.photo, close_question=True)
