"""Who may talk to the fake Bot API: local HTTP clients, never a web page in a browser.

The demo's token is public and the fake listens on a loopback port, so without a guard any web
page open in the same browser could post into the demo channel: a cross-origin form POST, a
`text/plain` fetch or an `<img src=…/sendMessage?…>` needs no CORS preflight. No web page ever
has a reason to call the fake (the demo page talks only to its own server), while Bot API
clients (python-telegram-bot over httpx, curl, scripts) send neither `Origin` nor the
`Sec-Fetch-*` headers. So the fake refuses, before anything is decoded or recorded:

- a Host header that does not name this server on its port (127.0.0.1, localhost, [::1] or the
  bound host) — a DNS-rebinding page reaches the port under its own name;
- any `Origin` header (browsers add it to every cross-origin request and to POSTs; "null"
  included) and any `Referer` (browsers send one on subresource loads; Bot API clients do not);
- `Sec-Fetch-Site` other than "none" (a page's request, even from another localhost port,
  which browsers count as same-site); "none" is a person typing a URL, which is harmless;
- a `text/plain` body, which only a browser form or a "simple" fetch sends: python-telegram-bot
  uses url-encoded forms and multipart, which therefore stay allowed for clients without the
  browser headers above.
"""

from __future__ import annotations

from email.message import Message

_LOCAL_NAMES = ("127.0.0.1", "localhost", "[::1]")
_BROWSER_ONLY_TYPES = ("text/plain",)


def allowed_hosts(bound_host: str, port: int) -> frozenset[str]:
    """The Host header values that name this server."""
    names = {*_LOCAL_NAMES, f"[{bound_host}]" if ":" in bound_host else bound_host}
    return frozenset(f"{name}:{port}".lower() for name in names)


def refusal(headers: Message, hosts: frozenset[str]) -> str | None:
    """Why a request must be refused (a Telegram-style description), or None to serve it."""
    if (headers.get("Host") or "").strip().lower() not in hosts:
        return "Forbidden: unexpected Host header"
    if headers.get("Origin") is not None or headers.get("Referer") is not None:
        return "Forbidden: requests from web pages are refused"
    site = (headers.get("Sec-Fetch-Site") or "none").strip().lower()
    if site != "none":
        return "Forbidden: requests from web pages are refused"
    content_type = (headers.get("Content-Type") or "").split(";")[0].strip().lower()
    if content_type in _BROWSER_ONLY_TYPES:
        return "Forbidden: text/plain bodies are refused (send a form, multipart or JSON)"
    return None
