"""The editors' texts in English: command replies, notices, buttons, /status.

Every text here was the code's own English before the catalogue held it, and stays byte for
byte what editors (and the tests) read. Keys starting with `button_` or `toast_` are plain text
(button labels, callback toasts); the rest is Telegram HTML with placeholders filled by callers
with already-escaped values.
"""

from __future__ import annotations

from bot.catalogue.keys import EditorKey, PluralKey
from bot.catalogue.plurals import Category

TEXTS: dict[EditorKey, str] = {
    # --- the editors' gate and shared pieces
    "editors_only": "This command is for the editors.",
    "toast_editors_only": "This is for the editors.",
    "button_expired": "This button no longer works.",
    "usage_article_id": "Usage: <code>/{command} &lt;article id&gt;</code>",
    "time_never": "never",
    "time_at": "{time} ({day} {month})",
    "time_ago": "{ago} ago",
    "time_at_ago": "{when}, {ago} ago",
    "duration_hours_minutes": "{hours} {minutes}",
    "no_article": "There is no article {id}.",
    "article_sending": "Article {id} is being sent right now.",
    "article_sending_later": "Article {id} is being sent right now: try again in a moment.",
    "not_posted": "❌ Not posted: {error}",
    "state_pending": "pending",
    "state_sending": "sending",
    "state_posted": "posted",
    "state_failed": "failed",
    "state_skipped": "skipped",
    "state_uncertain": "uncertain",
    "state_not_queued": "not in the queue",
    # --- commands held while the bot was offline
    "held_ask": (
        "⏳ You sent this at {at}, {late} ago, while I was offline, so I did not run it:\n"
        "<code>{typed}</code>\nRun it now?"
    ),
    "button_run_held": "▶️ Run it now",
    "button_drop_held": "✖️ Drop it",
    "held_decided": "That command was decided already.",
    "held_dropped": "✖️ Dropped; nothing was done.",
    "held_expired": "⌛ Too late to run it now; send the command again.",
    # --- /pause, /resume, /post, /retry, /skip, /audit
    "pause_already": "Already paused ({reason}). /resume to go on.",
    "pause_reason": "by {name} at {when}",
    "paused": (
        "⏸ Automatic publishing paused. Breaking news and /post still work. /resume to go on."
    ),
    "resume_not_paused": "Publishing is not paused.",
    "resumed": "▶️ Automatic publishing resumed.",
    "channel_unknown": "There is no channel “{name}”. Channels: {names}.",
    "paused_channel": (
        "⏸ Automatic publishing to {channel} paused. Breaking news and /post still work. "
        "<code>/resume {channel}</code> to go on."
    ),
    "resumed_channel": "▶️ Automatic publishing to {channel} resumed.",
    "resume_channel_not_paused": "Publishing to {channel} is not paused.",
    "status_channel": (
        "📣 <b>{channel}</b> · {state} · queue {pending} · last post {last} · lag {lag}"
    ),
    "status_channel_running": "running",
    "status_channel_paused": "⏸ paused ({reason})",
    "post_channel_failed": "❌ Not posted to {channel}: {error}",
    "post_bad_link": (
        "❌ That link cannot be fetched: {error}. "
        "Send the article's full <code>https://…</code> address."
    ),
    "post_timeout": "❌ {error}.",
    "post_unreadable": "❌ Could not read that page: {error}",
    "post_usage": "Send <code>/post 123</code> or <code>/post https://…</code>.",
    "post_done": "✅ Posted article {id}: {link}",
    "post_retracted": "Article {id} was retracted.",
    "post_posted_already": (
        "Article {id} is posted already (<code>/breaking {id}</code> pushes it again)."
    ),
    "retry_refused": "Article {id} is {state}: only failed or uncertain ones are retried.",
    "retry_queued": "🔁 Article {id} is queued again.",
    "retry_queued_paused": (
        "🔁 Article {id} is queued again (publishing is paused: it goes out after /resume)."
    ),
    "skip_refused": "Article {id} is {state}; nothing changed.",
    "skip_refused_posted": "Article {id} is {state}; nothing changed (/retract takes it down).",
    "skip_done": "⏭ Article {id} will not be posted.",
    "audit_empty": "No admin actions recorded yet.",
    "audit_title": "🧾 <b>Last admin actions</b> (newest first)",
    # --- /retract
    "retract_already": "Article {id} is retracted already.",
    "retract_ask_posted": (
        "🗑 Retract article {id}, <b>{title}</b> (posted at {when})?\n"
        "This deletes the channel post, and ⭐ on it will say it is no longer available."
    ),
    "retract_ask_unposted": (
        "🗑 Retract article {id}, <b>{title}</b> (not posted)?\n"
        "It will never be posted, and ⭐ on it will say it is no longer available."
    ),
    "button_retract": "🗑 Yes, retract",
    "button_keep": "Keep it",
    "retract_kept": "Kept: article {id} was not retracted.",
    "retract_done": "🗑 Article {id} retracted.",
    "retract_post_unknown": "⚠️ I do not know which channel post it is: delete it by hand.",
    "retract_post_gone": "The channel post was already gone.",
    "retract_delete_failed": ("⚠️ Could not delete the channel post ({error}): delete it by hand."),
    "retract_post_deleted": "The channel post is deleted.",
    # --- /breaking
    "breaking_label": "🔴 BREAKING",
    "breaking_usage": (
        "Send <code>/breaking your text</code> (a link in it becomes the Read more button; reply "
        "to a photo to post the photo), or <code>/breaking 123</code> to push article 123."
    ),
    "breaking_too_long": "That is {length} characters; a post holds at most {limit}.",
    "breaking_retracted": "Article {id} was retracted; it cannot be pushed.",
    "button_publish": "✅ Publish",
    "breaking_channel_gone": "That channel is no longer configured.",
    "breaking_channels": "Goes to: {channels}",
    "breaking_channels_none": "no channel yet",
    "breaking_no_channel": "Choose at least one channel (✅) before Publish.",
    "button_cancel": "✖️ Cancel",
    "button_post_again": "🔁 Post again",
    "breaking_cancelled": "✖️ Cancelled. Nothing was posted.",
    "breaking_repeat": "⚠️ The same breaking news was published at {when}. Post it again?",
    "preview_gone": "This preview no longer exists.",
    "preview_published": "Already published — nothing was posted twice.",
    "preview_cancelled": "This preview was cancelled; nothing was posted.",
    "preview_failed": "This preview was failed; nothing was posted.",
    "preview_closed": "This preview was {state}; nothing was posted.",
    "breaking_uncertain": (
        "⚠️ Not sure it reached the channel ({error}). Check the channel before doing anything: "
        "article {id} is marked uncertain, and the alert below lets you post it again or record "
        "it as posted."
    ),
    "breaking_failed": (
        "❌ Not posted: {error}\nIt is article {id}: <code>/breaking {id}</code> tries again."
    ),
    "breaking_published": "✅ Published: {link}",
    "pin_failed": "⚠️ Not pinned: {error}",
    "pinned": "📌 Pinned.",
    "pinned_until": "📌 Pinned until {when}.",
    # --- /status
    "status_title": "📊 <b>Status</b>",
    "status_paused": "⏸ Automatic publishing paused by an editor ({reason}).",
    "status_blocked": "⛔ Publishing blocked: {reason}",
    "status_running": "▶️ Publishing is running.",
    "status_queue": (
        "Queue: pending {pending} · posted today {today} · failed {failed} · "
        "uncertain {uncertain} · skipped {skipped}"
    ),
    "status_last_post": "Last post: {last}",
    "status_lag": "Lag (oldest waiting): {lag}",
    "status_lag_none": "none",
    "status_alert": (
        "🔔 Alert “{title}”: {done}/{total} done · "
        "sent {sent} · failed {failed} · blocked {blocked}"
    ),
    "status_no_alerts": "🔔 No alerts going out.",
    "status_alert_pace": "    ⏱ {rate}/s · about {left} left",
    "status_alert_eta": "    ⏱ about {left} left",
    "alert_reach_none": "📣 No reader has alerts on: Publish alerts nobody.",
    "status_uptime": "Up {uptime} · newsdesk {version}",
    "sources_summary": "<b>{group}</b>: {names}{more}",
    "source_failing": "🔴 {name}: failing for {since} ({error})",
    "source_waiting": "⚪ {name}: not fetched yet",
    "source_ok": "🟢 {name}: ok, {ago} ago",
    # --- notices to every editor
    "notice_resumed": "✅ Publishing resumed: the channel accepts posts again.",
    "notice_store_down": (
        "⚠️ newsdesk cannot reach its news store ({where}): {reason}\n"
        "Readers are told to try again in a minute; posts wait, and nothing already sent is "
        "lost. You will be told when the store answers again."
    ),
    "notice_store_back": "✅ The news store ({where}) answers again; publishing resumes.",
    "notice_channel_lost": (
        "⛔ <b>Publishing paused</b>: the bot cannot post to {channel} ({error}).\n"
        "Make the bot an admin of the channel with the right to post; I keep trying and resume "
        "by myself. Nothing is lost."
    ),
    "notice_uncertain": (
        "⚠️ <b>Not sure this reached the channel</b> ({why}):\n<b>{title}</b> (article {id}).\n"
        "Check the channel, then choose. I will not repost it on my own."
    ),
    "uncertain_timeout": "Telegram did not answer in time",
    "uncertain_stopped": "the bot stopped while sending it",
    "uncertain_untitled": "article {id}",
    "button_uncertain_again": "Post again",
    "button_uncertain_done": "It is posted",
    "toast_uncertain_decided": "Already decided, or no longer uncertain.",
    "toast_uncertain_again": "Queued to post again.",
    "toast_uncertain_done": "Recorded as posted.",
    "uncertain_again": "➡️ Queued to post again.",
    "uncertain_done": "✅ Recorded as posted.",
    "set_aside_line": "• article {id}: {reason}",
    "alert_finished": (
        "🔔 <b>Alert finished</b>: “{title}”\n"
        "sent {sent} · failed {failed} · blocked {blocked} · in {took}"
    ),
    "alert_finished_uncertain": (
        "🔔 <b>Alert finished</b>: “{title}”\n"
        "sent {sent} · failed {failed} · blocked {blocked} · uncertain {uncertain} · in {took}"
    ),
    "source_down": (
        "Source {name} has been failing for {minutes} ({attempts}). Last error: {error}"
    ),
    "source_back": "Source {name} works again after {minutes} of failures.",
    "error_report": (
        "⚠️ <b>Unexpected error</b>: <code>{kind}</code>\n{error}\nWhile handling: {update}\n"
        "(The full traceback is in the log. The same error is reported at most every "
        "{every}.)"
    ),
    # --- insight: /top and /story (numbers only, never who)
    "insight_counts": "⭐ saves: {saves} · reactions: {reactions}",
    "insight_lines": "{lines}",
    "top_title": "📊 <b>Top stories</b> · {period}",
    "top_period_today": "today",
    "top_period_week": "last 7 days",
    "top_empty": "No stories were posted {period}.",
    "top_usage": "Usage: <code>/top [today|week] [channel]</code>",
    "story_title": "📰 <b>{title}</b> · story {id}",
    "story_published": "Published {when}",
    "story_retracted": "⛔ Retracted",
    "story_post": "• {channel}: posted {when}, {lag} after publication",
    "story_post_no_lag": "• {channel}: posted {when}",
    "story_corrected": " · corrected {count}×",
    "story_no_reactions": "no reactions yet",
    "story_saves": "⭐ Saves: {saves} ({first_hour} in the first hour)",
    "story_alerts": "📣 Alerts: {sent} delivered, {missed} not",
    "story_not_posted": "📰 <b>{title}</b> · story {id}\nNot posted in any channel yet.",
    "reaction_custom": "custom emoji",
    "reaction_paid": "paid ⭐",
    "digest_uncertain": (
        "⚠️ <b>Not sure the daily digest reached {channel}</b> ({why}), {day}.\n"
        "Check the channel; I will not send it again today."
    ),
    "digest_failed": "⚠️ <b>The daily digest for {channel} was not posted</b> ({day}): {error}",
    "scheduled_uncertain": (
        "⚠️ <b>Not sure this was sent</b> ({why}): {what} for {target}, {period}.\n"
        "I will not send it again."
    ),
    # --- the weekly report (bot.insight.weekly_text); chart_ keys are the picture's plain text
    "weekly_title": "📊 <b>Weekly report</b> · {first} – {last} ({period})",
    "weekly_days_head": "<b>Per day</b> (📰 posts · ⭐ new saves):",
    "weekly_day": "{day}: 📰 {posts} · ⭐ {saves}",
    "weekly_day_name": "{weekday} {day} {month}",
    "weekly_total": "<b>This week</b>: posts {posts} · new saves {saves}",
    "weekly_lag": "⏱ Publication → post: median {median} · p90 {p90}",
    "weekly_lag_none": "⏱ Publication → post: no post with a known publication time",
    "weekly_top_head": "🏆 <b>Top stories</b> (⭐ saves · 👍 reactions):",
    "weekly_top_line": '{rank}. <a href="{link}">{title}</a> · ⭐ {saves} · 👍 {reactions}',
    "weekly_top_line_unlinked": "{rank}. {title} · ⭐ {saves} · 👍 {reactions}",
    "weekly_top_none": "🏆 No story was posted this week.",
    "weekly_categories_head": "🗂 <b>Top categories</b> (📰 posts · ⭐ saves):",
    "weekly_category_line": "• {category}: 📰 {posts} · ⭐ {saves}",
    "weekly_uncategorised": "no category",
    "weekly_troubled": "⚠️ Failed posts: {failed} · uncertain: {uncertain}",
    "weekly_readers": "👋 Readers who started the bot: {started}",
    "weekly_opt_ins": "🔔 Readers with alerts on (now): {opt_ins}",
    "weekly_more_below": "The numbers follow below.",
    "chart_weekly_title": "Posts and new saves per day",
    "chart_weekly_posts": "Posts",
    "chart_weekly_saves": "New saves",
    "insight_kind_weekly": "weekly report",
}

PLURALS: dict[PluralKey, dict[Category, str]] = {
    "duration_seconds": {"one": "{count} s", "other": "{count} s"},
    "duration_minutes": {"one": "{count} min", "other": "{count} min"},
    "duration_hours": {"one": "{count} h", "other": "{count} h"},
    "duration_days": {"one": "{count} day", "other": "{count} days"},
    "preview_stale": {
        "one": (
            "⌛ This preview is older than {count} minute and was not published. "
            "Send /breaking again if it is still news."
        ),
        "other": (
            "⌛ This preview is older than {count} minutes and was not published. "
            "Send /breaking again if it is still news."
        ),
    },
    "alert_reach": {
        "one": "📣 Alert to {count} reader, about {duration}",
        "other": "📣 Alert to {count} readers, about {duration}",
    },
    "alert_going_out": {
        "one": "🔔 Alert going out to {count} subscriber (see /status).",
        "other": "🔔 Alert going out to {count} subscribers (see /status).",
    },
    "sources_failing": {"one": "{count} source failing", "other": "{count} sources failing"},
    "sources_waiting": {
        "one": "{count} source not fetched yet",
        "other": "{count} sources not fetched yet",
    },
    "sources_ok": {"one": "{count} source ok", "other": "{count} sources ok"},
    "sources_more": {"one": " … and {count} more", "other": " … and {count} more"},
    "attempts": {"one": "{count} attempt", "other": "{count} attempts"},
    "report_every": {"one": "{count} minute", "other": "{count} minutes"},
    "set_aside": {
        "one": (
            "⚠️ <b>{count} article set aside</b>: the site's row cannot be used. "
            "The others are posted as usual; a row the site fixes is posted by itself."
        ),
        "other": (
            "⚠️ <b>{count} article(s) set aside</b>: the site's row cannot be used. "
            "The others are posted as usual; a row the site fixes is posted by itself."
        ),
    },
}

# Month names as `time_at` shows them ("14:05 (27 Nov)").
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

# Weekday names as the weekly report shows its days ("Mon 24 Nov"), Monday first.
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
