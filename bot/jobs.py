"""The JobQueue's schedule: which periodic jobs a running bot has, how often, and who runs them.

Every worker refreshes its lease (the heartbeat); the newsroom's jobs (publishing, sources,
alerts, unpins, digests, the weekly report) are scheduled on every worker too, but each tick runs
only while this process leads, behind the lease's write fence, so a follower that takes over
needs no rescheduling. Each job calls the same service as the editors' command does.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import JobQueue

from bot.breaking.pins import UNPIN_JOB_SECONDS
from bot.config import Settings
from bot.context import Context
from bot.insight.weekly import CHECK_SECONDS as WEEKLY_CHECK_SECONDS
from bot.services import heartbeat_seconds
from handlers.breaking import unpin_tick
from handlers.publishing import publish_tick
from storage.database import newsroom_writes

JobCallback = Callable[[Context], Coroutine[Any, Any, None]]

# How often the fetch job looks for due sources; each source keeps its own interval.
SOURCE_POLL_SECONDS = 15.0
# How often the digest job looks for a channel whose digest_at has come (at most this late).
DIGEST_POLL_SECONDS = 30.0
# How often the leader looks for alerts queued on any worker (at most this added to a push).
ALERT_POLL_SECONDS = 1.0


def schedule_jobs(jobs: JobQueue[Context], settings: Settings) -> None:
    """The heartbeat on every worker; the newsroom's jobs, each run only while leading."""
    jobs.run_repeating(_heartbeat, interval=heartbeat_seconds(settings), name="lease-heartbeat")
    if settings.alerts.enabled:
        # Alerts queued on any worker (an editor's breaking push) go out from the leader.
        jobs.run_repeating(
            _newsroom(_send_alerts), interval=ALERT_POLL_SECONDS, first=1.0, name="alerts"
        )
    if any(source.enabled for source in settings.sources):
        jobs.run_repeating(
            _newsroom(_poll_sources),
            interval=SOURCE_POLL_SECONDS,
            first=1.0,
            name="sources",
            job_kwargs={"max_instances": 1, "coalesce": True},
        )
    if settings.publishing.enabled:
        jobs.run_repeating(
            # skips the tick while an editor has paused publishing
            _newsroom(publish_tick),
            interval=settings.publishing.interval_seconds,
            first=0.5,
            name="publisher",
        )
    jobs.run_repeating(_newsroom(unpin_tick), interval=UNPIN_JOB_SECONDS, first=5.0, name="unpin")
    if any(channel.digest_at for channel in settings.channels):
        jobs.run_repeating(
            _newsroom(_make_digests),
            interval=DIGEST_POLL_SECONDS,
            first=1.0,  # a bot back after digest_at sends today's late, at once
            name="digest",
            job_kwargs={"max_instances": 1, "coalesce": True},
        )
    if settings.insight.weekly is not None:
        jobs.run_repeating(
            # A minute after start at the earliest: a restart settles first.
            _newsroom(_send_weekly_reports),
            interval=WEEKLY_CHECK_SECONDS,
            first=WEEKLY_CHECK_SECONDS,
            name="weekly-report",
            job_kwargs={"max_instances": 1, "coalesce": True},
        )


async def _heartbeat(context: Context) -> None:
    await context.bot_data.services.heartbeat()


def _newsroom(job: JobCallback) -> JobCallback:
    """`job`, run only while this process leads the newsroom (it may have been paused), its
    writes (and those of the tasks it starts) behind the lease's fence."""

    async def guarded(context: Context) -> None:
        services = context.bot_data.services
        if services.leading and await services.holds_lease():
            with newsroom_writes():
                await job(context)

    guarded.__name__ = job.__name__
    return guarded


async def _send_alerts(context: Context) -> None:
    """Make sure the fan-out runs while alerts are queued (whichever worker queued them)."""
    context.bot_data.services.admin.alerts.kick()


async def _poll_sources(context: Context) -> None:
    """Start fetching the sources that are due; returns at once, slow sources run on."""
    await context.bot_data.services.sources.poll_due()


async def _make_digests(context: Context) -> None:
    """Post each channel's daily digest once its digest_at has come (once a local day)."""
    await context.bot_data.services.digests.run_due()


async def _send_weekly_reports(context: Context) -> None:
    """Send the week's report to each editor who has not had it, once it is due."""
    await context.bot_data.services.weekly.send_due()
