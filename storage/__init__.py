"""How newsdesk keeps its data: SQLite through aiosqlite, numbered migrations, repositories.

Nothing here imports `telegram`: repositories take and return plain models from `bot.domain`
(and their own small records), so the store can be tested and reused without a bot.
"""
