"""The two engines behind `storage.sql.StoreConn`: SQLite (embedded) and PostgreSQL (shared).

`storage.database.Database` picks one; repositories only ever see a `StoreConn`.
"""
