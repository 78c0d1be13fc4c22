"""Sources: the feeds and pages newsdesk fetches from the network, and their health.

`fetcher` is the only module that talks HTTP; `service` turns fetches into stored articles and
per-source state; `pages` serves an admin's `/post <url>`. Parsing itself lives in `bot.ingest`,
so a feed fetched here and a feed file given to `newsdesk import` take the same path.
"""
