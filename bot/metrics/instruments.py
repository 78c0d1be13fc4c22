"""What newsdesk counts for operators, in prometheus-client's types, on one registry per bot.

Each `Metrics` owns its `CollectorRegistry` rather than using the library's global one: tests
run several bots in one process, and each must count only its own. The figures come from three
kinds of place:

- counted as things happen, at the few places everything passes through: updates and handler
  time (`bot.metrics.updates`), Bot API calls under python-telegram-bot
  (`bot.transport.ptb_request`), a post recorded (`bot.publishing.sending`);
- read from the ⭐ answer lane's own tallies when scraped (`watch_answers`);
- read from the store when scraped (`StoreFigures`, set by `set_store` just before rendering).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily
from prometheus_client.registry import Collector

from bot.transport.answers import AnswerCounts

# Handler time: most answers take milliseconds; an export or a chart takes seconds.
HANDLER_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# From the article's time on the site to its post: a pass every 30 s by default, a backlog of
# hours after an outage, a day at most (`publishing.backlog_max_age_hours`).
LAG_BUCKETS = (
    5.0,
    15.0,
    30.0,
    60.0,
    120.0,
    300.0,
    600.0,
    1800.0,
    3600.0,
    7200.0,
    21600.0,
    86400.0,
)


@dataclass
class StoreFigures:
    """What one scrape read from the store (`None` where the read failed)."""

    deliveries: Mapping[tuple[str, str], int] = field(default_factory=dict)
    alert_queue: int = 0
    alert_messages: Mapping[str, int] = field(default_factory=dict)
    leader: bool = False
    lease_age_seconds: float | None = None


class Metrics:
    """The instruments of one bot and the registry they are rendered from."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        r = self.registry
        self.updates = Counter(
            "newsdesk_updates",
            "Updates received, by Telegram's update kind and what became of them "
            "(handled, error: a handler raised, press: a ⭐ press on the lean path, "
            "unreadable: skipped)",
            ["kind", "outcome"],
            registry=r,
        )
        self.handler_seconds = Histogram(
            "newsdesk_handler_seconds",
            "Time one handler callback took, by callback name",
            ["handler"],
            buckets=HANDLER_BUCKETS,
            registry=r,
        )
        self.api_calls = Counter(
            "newsdesk_bot_api_calls",
            "Bot API calls through python-telegram-bot, by method and outcome "
            "(ok, error: Telegram refused, 429: flood control, network: no complete answer)",
            ["method", "outcome"],
            registry=r,
        )
        self.retry_after = Counter(
            "newsdesk_bot_api_retry_after_seconds",
            "Seconds Telegram asked the bot to wait in its 429 answers, by method",
            ["method"],
            registry=r,
        )
        self.publish_lag = Histogram(
            "newsdesk_publish_lag_seconds",
            "From an article's publication time to its post in a channel",
            ["channel"],
            buckets=LAG_BUCKETS,
            registry=r,
        )
        self.store_up = Gauge(
            "newsdesk_store_up", "1 if the store answered this scrape's queries", registry=r
        )
        self.articles = Gauge(
            "newsdesk_articles",
            "Articles per channel in each delivery state (channel * = not routed yet)",
            ["channel", "state"],
            registry=r,
        )
        self.alert_queue = Gauge(
            "newsdesk_alert_queue",
            "Alert messages of unfinished alerts not sent yet (pending or sending)",
            registry=r,
        )
        self.leader = Gauge(
            "newsdesk_leader", "1 if this process holds the instance lease", registry=r
        )
        self.lease_age = Gauge(
            "newsdesk_lease_age_seconds",
            "Seconds since the lease's holder last refreshed it; past storage.lease_ttl_seconds "
            "another process may take it over",
            registry=r,
        )
        self._answers = _AnswerCollector()
        self._alerts = _AlertCollector()
        r.register(self._answers)
        r.register(self._alerts)

    def api_call(self, method: str, outcome: str, retry_after: float) -> None:
        """One Bot API call ended (`bot.transport.ptb_request`'s observer)."""
        self.api_calls.labels(method, outcome).inc()
        if retry_after:
            self.retry_after.labels(method).inc(retry_after)

    def posted(self, channel: str, lag_seconds: float) -> None:
        """A post was recorded, `lag_seconds` after the article's publication time."""
        self.publish_lag.labels(channel).observe(max(lag_seconds, 0.0))

    def watch_answers(self, counts: AnswerCounts | None) -> None:
        """Export the ⭐ answer lane's tallies (it keeps them; they are read at scrape time)."""
        self._answers.counts = counts

    def set_store(self, figures: StoreFigures | None) -> None:
        """The store's figures of this scrape; None when the store did not answer."""
        self.store_up.set(0 if figures is None else 1)
        if figures is None:
            return
        self.articles.clear()  # a (channel, state) with no rows left must not linger
        for (channel, state), count in figures.deliveries.items():
            self.articles.labels(channel, state).set(count)
        self.alert_queue.set(figures.alert_queue)
        self._alerts.states = dict(figures.alert_messages)
        self.leader.set(1 if figures.leader else 0)
        if figures.lease_age_seconds is not None:
            self.lease_age.set(figures.lease_age_seconds)

    def render(self) -> bytes:
        """The registry in Prometheus' text exposition format."""
        return generate_latest(self.registry)


class _AnswerCollector(Collector):
    """⭐ answers from the lane's `AnswerCounts`, which the lane owns and increments."""

    def __init__(self) -> None:
        self.counts: AnswerCounts | None = None

    def collect(self) -> Iterable[CounterMetricFamily]:
        family = CounterMetricFamily(
            "newsdesk_press_answers",
            "Toasts for ⭐ presses: in_time (answered), late (refused by Telegram as too old), "
            "dropped (past the deadline, never sent), failed (refused otherwise, or no answer)",
            labels=["outcome"],
        )
        counts = self.counts or AnswerCounts()
        for outcome, value in (
            ("in_time", counts.answered),
            ("late", counts.late),
            ("dropped", counts.dropped),
            ("failed", counts.failed),
        ):
            family.add_metric([outcome], value)
        yield family


class _AlertCollector(Collector):
    """Alert messages by final state, read from the store at scrape (rows are never deleted)."""

    def __init__(self) -> None:
        self.states: dict[str, int] = {}

    def collect(self) -> Iterable[CounterMetricFamily]:
        family = CounterMetricFamily(
            "newsdesk_alert_messages",
            "Breaking-alert messages ever handled, by state, from the store (all processes): "
            'rate(...{state="sent"}) is the alert rate',
            labels=["state"],
        )
        for state in ("sent", "failed", "blocked", "uncertain"):
            family.add_metric([state], self.states.get(state, 0))
        yield family
