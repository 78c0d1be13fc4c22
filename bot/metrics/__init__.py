"""Health and metrics for operators: `/healthz`, `/readyz` and `/metrics` (Prometheus).

`instruments` holds the counters on a per-bot registry; `updates` counts updates and times
handlers; `web` serves the three endpoints as aiohttp routes any server can mount, and runs them
on their own port in polling mode (`[metrics] listen`, `port`).
"""
