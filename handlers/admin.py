"""Admin commands in private chat: editors' commands reach the admin services, others' are refused.

Access is a filter at registration (`filters.User(user_id=admins)`); the services check again
before anything changes the channel. Edited messages never run a command a second time.
"""

from __future__ import annotations

from collections.abc import Sequence

from telegram import Bot, LinkPreviewOptions, Message, Update, User
from telegram.ext import BaseHandler, CommandHandler, filters

from bot import catalogue
from bot.context import Context
from bot.control.commands import ADMIN_COMMANDS, Command
from bot.control.editors import Actor, Reply
from bot.domain.errors import AdminError
from bot.rendering import CAPTION_LIMIT, TEXT_LIMIT
from bot.rendering.fitting import fit_html, visible_len

# `/breaking` alone is the subscribers' list (to admins too): only `/breaking <text>` is ours.
_WITH_ARGS = ("breaking",)
_OTHERS = tuple(name for name in ADMIN_COMMANDS if name not in _WITH_ARGS)


def actor_of(user: User, context: Context) -> Actor:
    """Who acts: the audit log's name for a Telegram user, and the language to answer in.

    Editors get their language the way subscribers do: their /language choice, else their
    Telegram app's language.
    """
    name = user.full_name + (f" (@{user.username})" if user.username else "")
    return Actor(user.id, name, context.bot_data.services.subscribers.language_of(user))


async def send_reply(bot: Bot, chat_id: int, reply: Reply) -> Message:
    """Send a service's reply: a photo with its caption, or text (with a link preview if any).

    Every answer is fitted to Telegram's limit here, so no count or name can make it refused.
    """
    if reply.photo is not None:
        return await bot.send_photo(
            chat_id,
            reply.photo,
            caption=_fitted(reply, CAPTION_LIMIT),
            reply_markup=reply.markup,
        )
    preview = LinkPreviewOptions(is_disabled=reply.link_preview is None, url=reply.link_preview)
    return await bot.send_message(
        chat_id,
        _fitted(reply, TEXT_LIMIT),
        reply_markup=reply.markup,
        link_preview_options=preview,
    )


def _fitted(reply: Reply, limit: int) -> str:
    """The reply's text within `limit`, its footer kept whole below it."""
    if reply.footer is None:
        return fit_html(reply.text, limit)
    room = limit - visible_len(reply.footer) - 2
    return f"{fit_html(reply.text, room)}\n\n{reply.footer}"


async def run_admin_command(update: Update, context: Context) -> None:
    """An editor's command: parse it, run it (or hold it if it is stale), answer."""
    message, user = update.effective_message, update.effective_user
    if message is None or user is None or message.text is None:
        return
    head, *rest = message.text.split(maxsplit=1)
    name = head[1:].split("@")[0].lower()
    replied = message.reply_to_message
    photo = replied.photo[-1].file_id if replied is not None and replied.photo else None
    command = Command(name, rest[0] if rest else "", photo, message.date)
    try:
        actor = actor_of(user, context)
        reply = await context.bot_data.services.admin.commands.handle(actor, command)
    except AdminError as exc:
        reply = Reply(str(exc))
    await send_reply(context.bot, message.chat_id, reply)


async def refuse_command(update: Update, context: Context) -> None:
    """Anyone who is not an editor: one polite line, nothing changes."""
    message = update.effective_message
    if message is not None:
        language = context.bot_data.services.subscribers.language_of(update.effective_user)
        await message.reply_text(catalogue.text("editors_only", language))


def admin_handlers(admins: Sequence[int]) -> list[BaseHandler[Update, Context, None]]:
    """Editors' commands, then the refusal for everyone else (private chat only)."""
    fresh = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE
    editors = filters.User(user_id=list(admins))
    return [
        CommandHandler(list(_WITH_ARGS), run_admin_command, fresh & editors, has_args=True),
        CommandHandler(list(_OTHERS), run_admin_command, fresh & editors),
        CommandHandler(list(_WITH_ARGS), refuse_command, fresh & ~editors, has_args=True),
        CommandHandler(list(_OTHERS), refuse_command, fresh & ~editors),
    ]
