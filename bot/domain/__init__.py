"""What newsdesk is about, independent of Telegram and of how it is stored.

Every model, enum and the error tree (`bot.domain.errors`) live here, and this package imports
nothing else of ours: `storage/` returns these models, the features and handlers work with them.
"""

from bot.domain.alerts import RECIPIENT_STATES, Alert, Outcome, Recipient
from bot.domain.articles import (
    Article,
    ArticleDraft,
    CategoryCount,
    KnownArticle,
    RepairOutcome,
    UpsertOutcome,
    UpsertResult,
)
from bot.domain.audit import AuditEntry, HeldCommand
from bot.domain.breaking import BreakingPost, Preview
from bot.domain.deliveries import Delivery, DeliveryState
from bot.domain.lease import LeaseHolder
from bot.domain.sources import SourceState
from bot.domain.subscribers import Sighting, UserRecord
from bot.domain.webhook import Taken

__all__ = [
    "RECIPIENT_STATES",
    "Alert",
    "Article",
    "ArticleDraft",
    "AuditEntry",
    "BreakingPost",
    "CategoryCount",
    "Delivery",
    "DeliveryState",
    "HeldCommand",
    "KnownArticle",
    "LeaseHolder",
    "Outcome",
    "Preview",
    "Recipient",
    "RepairOutcome",
    "Sighting",
    "SourceState",
    "Taken",
    "UpsertOutcome",
    "UpsertResult",
    "UserRecord",
]
