"""The container's HEALTHCHECK: GET /healthz where this config says newsdesk serves it.

python:3.11-slim has no curl, so this is standard-library Python. The address comes from the
same config file the bot reads ($NEWSDESK_CONFIG), so one image serves both modes without an
extra variable to keep in step:

- with `[webhook]`, the health routes share the webhook server: `listen` (default 127.0.0.1)
  and `port` (default 8443);
- in polling mode, `[metrics] listen` and `port`;
- in polling mode without `[metrics] port` there is no endpoint to ask: the check says so and
  passes (exit 0), because a container marked "unhealthy" for a bot that was never told to
  serve health would be a false alarm. Set `[metrics] port` to have it checked.

A `listen` of 0.0.0.0 or :: (every interface) is asked on loopback. Exit 0 healthy, 1 not
(Docker's convention); one line on stdout says why, which `docker inspect` shows.
"""

from __future__ import annotations

import os
import sys
import tomllib
import urllib.error
import urllib.request
from pathlib import Path

CONFIG_ENV = "NEWSDESK_CONFIG"
DEFAULT_CONFIG = "/etc/newsdesk/config.toml"
WEBHOOK_DEFAULTS = ("127.0.0.1", 8443)
# Docker's own --timeout for the check is 5 s; answer before it kills us.
TIMEOUT_SECONDS = 4.0
_ANY = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}  # noqa: S104 - mapped, not bound


def health_url(config: dict[str, object]) -> str | None:
    """The /healthz URL the config's server answers on, or None when it serves none."""
    webhook, metrics = config.get("webhook"), config.get("metrics")
    if isinstance(webhook, dict):
        host = str(webhook.get("listen", WEBHOOK_DEFAULTS[0]))
        port = webhook.get("port", WEBHOOK_DEFAULTS[1])
    elif isinstance(metrics, dict) and metrics.get("port") is not None:
        host, port = str(metrics.get("listen", "127.0.0.1")), metrics["port"]
    else:
        return None
    host = _ANY.get(host, host)
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/healthz"


def main() -> int:
    """Ask /healthz once; 0 when it answers 200."""
    path = Path(os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG)
    try:
        config = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        print(f"unhealthy: cannot read the config {path}: {exc}")
        return 1
    url = health_url(config)
    if url is None:
        print("no health endpoint configured (no [webhook], no [metrics] port): not checked")
        return 0
    try:
        # The URL is built from the config above: http on this container's own address.
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as answer:  # noqa: S310
            status = answer.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except (OSError, ValueError) as exc:
        print(f"unhealthy: {url}: {exc}")
        return 1
    if status != 200:
        print(f"unhealthy: {url} answered {status}")
        return 1
    print(f"healthy: {url}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
