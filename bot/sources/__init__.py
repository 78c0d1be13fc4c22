"""Sources: the feeds and pages newsdesk fetches from the network, and their health.

`fetcher` is the only module that talks HTTP (with `addresses`, the guard that resolves and
checks a host once, and `pinning`, the transport that connects only to what was checked);
`service` turns fetches into stored articles and per-source state; `pages` serves an admin's
`/post <url>`. Parsing itself lives in `bot.ingest`, so a feed fetched here and a feed file
given to `newsdesk import` take the same path.
"""
