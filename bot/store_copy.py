"""`newsdesk migrate-store --to postgresql://…`: move a desk from its SQLite file to PostgreSQL.

The SQLite store (storage.path) is migrated first, as every command does, then only read: a
read-only connection inside one read transaction, so the copy is one consistent snapshot. The
target is migrated by the same runner as a PostgreSQL desk (storage.migrate_pg), and both must
then be at the same schema version. A target that holds rows is refused unless `--force` (which
empties it first), except the very copy this command started there before and did not finish:
that one is resumed (storage/copy.py says how, and why whole tables). Every table's count is
compared on both sides, one line per table; the identities continue after the copied ids.

Two refusals guard the move. The copy does not start while the desk's bot still runs (the
SQLite store's instance lease has a live holder): what it posted after the snapshot would be
lost. And a database a copy began and did not finish holds only part of the desk, so every
command that opens it as its store refuses (`refuse_unfinished_copy`, from `open_services`).

The target's password comes from the URL or `$NEWSDESK_DATABASE_PASSWORD`, and is never
printed: messages name the target by `StorageSettings.where`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import aiosqlite
import asyncpg
from pydantic import SecretStr, ValidationError

from bot.clock import utc_now
from bot.config import DATABASE_PASSWORD_ENV, Settings
from bot.domain.errors import (
    ConfigError,
    InstanceRunningError,
    StorageError,
    StoreUnavailableError,
)
from bot.exits import EXIT_OK
from bot.storage_settings import StorageSettings, with_password
from storage import copy
from storage.database import Database
from storage.migrate import schema_version
from storage.migrate_pg import migrate_pg

DEFAULT_CHUNK = 5_000
CONNECT_TIMEOUT_SECONDS = 10.0


def add_parser(commands: Any) -> None:  # argparse's subparsers action has no public type
    """The `migrate-store` subcommand and its options."""
    parser = commands.add_parser(
        "migrate-store",
        help="copy this desk's SQLite store into a PostgreSQL database",
        description="Copy every table of the SQLite store (storage.path) into the PostgreSQL "
        "database at --to, checking the row count of each table on both sides. Resumable: "
        "run it again after an interruption. Refused while the desk's bot is running.",
    )
    parser.add_argument(
        "--to",
        required=True,
        metavar="URL",
        help="postgresql://user@host:port/database (password in the URL or "
        f"${DATABASE_PASSWORD_ENV})",
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="empty the target first if it already holds rows (they are lost)",
    )
    parser.add_argument(
        "--chunk-size",
        type=int,
        default=DEFAULT_CHUNK,
        metavar="ROWS",
        help=f"rows per COPY round trip (default {DEFAULT_CHUNK:,})",
    )


def migrate_store_command(
    settings: Settings, args: argparse.Namespace, say: Callable[[str], None]
) -> int:
    """The command: copy, `say` one line per table; exit 0 when every count is equal."""
    target = target_settings(args.to)
    if args.chunk_size < 1:
        raise ConfigError(["--chunk-size: at least 1"])
    storage = settings.storage
    if storage.url is not None:
        raise StorageError(
            f"migrate-store copies a SQLite store (storage.path), but this desk's store is "
            f"PostgreSQL already ({storage.where})"
        )
    path = storage.path.resolve()
    if not path.is_file():
        raise StorageError(f"no SQLite store at {path} (storage.path): nothing to copy")
    return asyncio.run(
        migrate_store(
            path,
            target,
            force=args.force,
            chunk_size=args.chunk_size,
            lease_ttl=timedelta(seconds=storage.lease_ttl_seconds),
            say=say,
        )
    )


def target_settings(url: str) -> StorageSettings:
    """`--to` read as `storage.url` would be (same checks), with the environment's password."""
    try:
        target = StorageSettings.model_validate({"url": url})
    except ValidationError as exc:
        problems = [
            f"--to: {error['msg'].removeprefix('Value error, ')}" for error in exc.errors()
        ]
        raise ConfigError(problems) from None
    dsn = target.postgres_dsn()
    if dsn is None:
        raise ConfigError(["--to: expected a postgresql:// URL (the target is PostgreSQL)"])
    password = os.environ.get(DATABASE_PASSWORD_ENV)
    if password:  # the environment wins, as for storage.url
        dsn = with_password(dsn, quote(password, safe=""))
        target = target.model_copy(update={"url": SecretStr(dsn)})
    return target


async def migrate_store(
    path: Path,
    to: StorageSettings,
    *,
    force: bool,
    chunk_size: int,
    lease_ttl: timedelta,
    say: Callable[[str], None],
) -> int:
    """Copy the SQLite store at `path` (absolute) into the PostgreSQL database `to` names."""
    await (await Database.open(path)).close()  # migrated, as every command does
    source = await copy.open_source(path)
    try:
        await _refuse_running_bot(source, path, lease_ttl)
        target = await _connect(to)
        try:
            await _copy(source, target, _Job(str(path), to.where, force, chunk_size, say))
        finally:
            await target.close()
    finally:
        await source.close()
    return EXIT_OK


async def refuse_unfinished_copy(db: Database) -> None:
    """Refuse to run on a store a migrate-store began copying into and did not finish.

    Such a database holds only part of the desk (whole tables, then nothing): a bot on it would
    post again what the desk already posted, and the resumed copy would then replace its rows.
    """
    under_way = await copy.unfinished(db.store)
    if under_way is not None:
        raise StorageError(
            f"migrate-store to this database did not finish; run it again (it resumes): "
            f"newsdesk migrate-store --to {db.where} — the copy from {under_way.source} has "
            f"{len(under_way.done)} of {len(copy.TABLES)} tables; until it ends, this "
            "database holds only part of the desk"
        )


async def _refuse_running_bot(source: aiosqlite.Connection, path: Path, ttl: timedelta) -> None:
    """Refuse to copy a desk whose bot still runs: what it posts after the snapshot is lost.

    Read in the copy's own snapshot, before the target is touched. A bot that starts after this
    check is not seen (the store is only read, so nothing here can keep it from starting).
    """
    holder = await copy.running_bot(source, ttl=ttl, now=utc_now())
    if holder is not None:
        beat = f"{holder.heartbeat_at:%Y-%m-%d %H:%M:%S} UTC"
        raise InstanceRunningError(
            f"a newsdesk (pid {holder.pid} on {holder.hostname}) is running the bot on the "
            f"SQLite store at {path} (its last heartbeat: {beat}); stop it first — a copy "
            "taken while it still posts would miss what it posts afterwards. Nothing was copied"
        )


async def _connect(to: StorageSettings) -> asyncpg.Connection:
    """The target, or one line saying why it cannot be reached."""
    dsn = to.postgres_dsn()
    assert dsn is not None  # checked by target_settings
    try:
        conn: asyncpg.Connection = await asyncpg.connect(dsn, timeout=CONNECT_TIMEOUT_SECONDS)
    except (OSError, TimeoutError, asyncpg.PostgresError, asyncpg.InterfaceError) as exc:
        reason = (
            f"no answer within {CONNECT_TIMEOUT_SECONDS:g} s"
            if isinstance(exc, TimeoutError)
            else (
                os.strerror(exc.errno).lower()
                if isinstance(exc, OSError) and exc.errno
                else str(exc) or type(exc).__name__
            )
        )
        raise StoreUnavailableError(
            f"cannot reach the PostgreSQL database at {to.where}: {reason} — check --to (and "
            f"${DATABASE_PASSWORD_ENV}), and that the server runs and accepts this user"
        ) from None
    return conn


@dataclass(frozen=True)
class _Job:
    """What one run copies where, and how it reports."""

    source: str
    where: str
    force: bool
    chunk_size: int
    say: Callable[[str], None]


async def _copy(source: aiosqlite.Connection, target: asyncpg.Connection, job: _Job) -> None:
    name, where, force, chunk_size, say = (
        job.source,
        job.where,
        job.force,
        job.chunk_size,
        job.say,
    )
    if not await copy.lock(target):
        raise StorageError(f"another migrate-store is copying into {where}: let it finish")
    theirs = await migrate_pg(target)
    ours = await schema_version(source)
    if theirs != ours:
        raise StorageError(
            f"the SQLite store is at schema version {ours}, the PostgreSQL database at "
            f"{theirs}: both must be at the same version (is this newsdesk the newest?)"
        )
    tables = await copy.tables(source, target)
    under_way = await copy.progress(target)
    if under_way is None or under_way.source != name or force:
        full = await copy.occupied(target)
        if full and not force:
            started = "" if under_way is None else f" (a copy from {under_way.source} began there)"
            raise StorageError(
                f"the PostgreSQL database at {where} is not empty{started}: "
                f"{', '.join(full)} hold rows — use --force to empty it and copy anew"
            )
        await copy.start(target, name, empty_first=bool(full) or force)
        under_way = copy.Progress(name, ())
    else:
        say(f"resuming the copy into {where}")
    resuming = True
    for table in tables:
        if resuming and table.name in under_way.done:
            rows = await copy.count_source(source, table)
            if rows == await copy.count_target(target, table):
                say(f"{table.name}: {rows:,} copied before, counts equal")
                continue
        if resuming:  # from here on every table is copied (a parent's copy empties children)
            resuming = False
            kept = (
                under_way.done[: under_way.done.index(table.name)]
                if (table.name in under_way.done)
                else under_way.done
            )
            under_way = copy.Progress(name, kept)
        result = await copy.copy_table(source, target, table, under_way, chunk_size=chunk_size)
        under_way = copy.Progress(name, (*under_way.done, table.name))
        say(f"{table.name}: {result.source_rows:,} copied, counts equal")
    await copy.set_identities(target)
    differ = []
    for table in tables:
        rows, found = (
            await copy.count_source(source, table),
            await copy.count_target(target, table),
        )
        if rows != found:
            differ.append(f"{table.name} ({rows:,} in SQLite, {found:,} in PostgreSQL)")
    if differ:
        raise StorageError(f"counts differ after the copy: {'; '.join(differ)} — run again")
    await copy.finish(target)
    say(f"the desk is copied to {where}; its SQLite store at {name} is unchanged")
