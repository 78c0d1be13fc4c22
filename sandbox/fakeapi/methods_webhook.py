"""Bot API methods that choose how updates reach the bot: setWebhook, deleteWebhook, info.

They follow tdlib's telegram-bot-api server, Telegram's own: a URL set means getUpdates answers
409 Conflict (and a long poll already waiting is ended with one); setting a different webhook
or deleting it forgets the last delivery error; ``max_connections`` is clamped to 1-100
(default 40) rather than refused; an empty secret means none. Two things differ on purpose:
the fake delivers only to ``http://`` on the loopback interface (a test's receiver, no TLS;
Telegram demands https and public ports 80/88/443/8443), and it neither checks that the URL
answers before accepting it nor rate-limits setWebhook to one call a second. Delivery itself
is ``sandbox.fakeapi.webhook``'s job.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from sandbox.fakeapi.faults import ApiError, bad_request
from sandbox.fakeapi.methods import Call, Handler
from sandbox.fakeapi.models import JsonDict, WebhookConfig
from sandbox.fakeapi.state import State

DEFAULT_MAX_CONNECTIONS = 40
MAX_CONNECTIONS = 100
CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
TERMINATED = "Conflict: terminated by setWebhook request"
_SECRET_RE = re.compile(r"[A-Za-z0-9_-]*")
_LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def refuse_get_updates(st: State, *, waiting: bool = False) -> None:
    """Raise Telegram's 409 when a webhook is set (``waiting``: it was set during a poll)."""
    if st.webhook is not None:
        raise ApiError(409, TERMINATED if waiting else CONFLICT)


def _target(url: str) -> tuple[str, int, str]:
    """Host, port and request target of a webhook URL the fake can deliver to."""
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError as exc:
        raise bad_request("invalid webhook URL specified") from exc
    if parts.scheme not in ("http", "https") or not host:
        raise bad_request("invalid webhook URL specified")
    if parts.scheme == "https":
        raise bad_request("bad webhook: the fake Bot API delivers only to http:// on 127.0.0.1")
    if host.lower() not in _LOOPBACK:
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return host, port or 80, target


def _max_connections(value: Any) -> int:
    if value is None or value == "":
        return DEFAULT_MAX_CONNECTIONS
    if not isinstance(value, int):
        raise bad_request("invalid max_connections specified")
    return min(max(value, 1), MAX_CONNECTIONS)


def _drop_pending(st: State) -> None:
    st.updates.clear()
    st.reaction_updates.clear()


def _allow(st: State, allowed: Any) -> None:
    if isinstance(allowed, list):
        st.allowed_updates = frozenset(str(kind) for kind in allowed)


def set_webhook(call: Call) -> bool:
    """setWebhook: install (or, with an empty url, remove) the URL updates are POSTed to."""
    st, params = call.state, call.params
    url = params.get("url")
    drop = params.get("drop_pending_updates") is True
    if not isinstance(url, str) or url == "":
        return _remove(st, drop)
    secret = params.get("secret_token")
    secret = secret if isinstance(secret, str) else ""
    if len(secret) > 256:
        raise bad_request("secret token is too long")
    if not _SECRET_RE.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    connections = _max_connections(params.get("max_connections"))
    host, port, target = _target(url)
    _allow(st, params.get("allowed_updates"))
    hook = st.webhook
    if (
        hook is not None
        and (hook.url, hook.secret_token or "", hook.max_connections) == (url, secret, connections)
        and not drop
    ):
        st.bump()
        return True  # Telegram: "Webhook is already set"; delivery state is kept
    if drop:
        _drop_pending(st)
    st.webhook_generation += 1
    st.webhook = WebhookConfig(
        url, host, port, target, secret or None, connections, st.webhook_generation
    )
    st.bump()  # wakes a waiting long poll (to end it with 409) and the delivery thread
    return True


def _remove(st: State, drop: bool) -> bool:
    if drop:
        _drop_pending(st)
    if st.webhook is not None:
        st.webhook = None
        st.webhook_generation += 1
    st.bump()
    return True


def delete_webhook(call: Call) -> bool:
    """deleteWebhook: back to getUpdates; queued updates stay unless dropped."""
    return _remove(call.state, call.params.get("drop_pending_updates") is True)


def get_webhook_info(call: Call) -> JsonDict:
    """getWebhookInfo, with the optional fields present only when Telegram includes them."""
    st = call.state
    st.drop_unwanted()
    hook = st.webhook
    info: JsonDict = {
        "url": hook.url if hook is not None else "",
        "has_custom_certificate": False,
        "pending_update_count": len(st.updates),
    }
    if hook is not None:
        if hook.last_error_date is not None:
            info["last_error_date"] = hook.last_error_date
            info["last_error_message"] = hook.last_error_message
        info["max_connections"] = hook.max_connections
        info["ip_address"] = "::1" if hook.host == "::1" else "127.0.0.1"
    if st.allowed_updates:
        info["allowed_updates"] = sorted(st.allowed_updates)
    return info


WEBHOOK_HANDLERS: dict[str, Handler] = {
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
}
