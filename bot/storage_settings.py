"""`[storage]`: a SQLite file (the default, embedded) or a PostgreSQL database (shared).

`storage.url` absent, or `sqlite:///file`, is the SQLite file (`path`); `postgresql://…` the
server. The URL is a secret as a whole (it may hold the password, which
`$NEWSDESK_DATABASE_PASSWORD` overrides; see `bot.config.parse_settings`); what is printed is
`where`, with `***` for the password.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import parse_qs, unquote, urlsplit

from pydantic import BaseModel, ConfigDict, Field, SecretStr, field_validator, model_validator

_POSTGRES_SCHEMES = ("postgresql", "postgres")
# What libpq (and asyncpg) accept for ?sslmode=; anything else is a typo to report now.
_SSLMODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
_URL_SHAPES = "expected postgresql://user@host:port/database or sqlite:///path/to/file"


def _sqlite_url_path(url: str) -> str:
    """The file of `sqlite:///relative/file` or `sqlite:////absolute/file`."""
    rest = url.removeprefix("sqlite://")
    if not rest.startswith("/") or not rest[1:]:
        raise ValueError(f"storage.url: {_URL_SHAPES} (a SQLite URL has three slashes)")
    return rest[1:]


def with_password(url: str, password: str | None) -> str:
    """`url` with its password replaced by `password` (already URL-encoded), or removed.

    Spliced as text: `urlunsplit` would drop the empty host of `postgresql:///db?host=/run`.
    """
    scheme, sep, rest = url.partition("://")
    end = min((i for i in (rest.find(c) for c in "/?#") if i >= 0), default=len(rest))
    userinfo, at, host = rest[:end].rpartition("@")
    user = userinfo.partition(":")[0]
    if password is not None:
        user = f"{user}:{password}"
    netloc = f"{user}@{host}" if at or password is not None else host
    return f"{scheme}{sep}{netloc}{rest[end:]}"


class StorageSettings(BaseModel):
    """Where the store lives: a SQLite file (the default) or a PostgreSQL database."""

    # Strict like every section: TOML has real numbers; `pool_size = "10"` is a mistake.
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    path: Annotated[Path, Field(strict=False)] = Path("newsdesk.sqlite3")
    # A PostgreSQL URL (a `sqlite:///` URL is read into `path`); secret: it may hold a password.
    url: SecretStr | None = None
    # Most connections the PostgreSQL pool opens (each worker process has its own pool).
    pool_size: Annotated[int, Field(ge=1)] = 10
    # A running bot refreshes its lease on the store every quarter of this; a bot silent for
    # longer (paused, cut off, on a dead host) is taken over by the next one started, and stops.
    lease_ttl_seconds: Annotated[float, Field(ge=1, le=3_600)] = 60.0

    @model_validator(mode="before")
    @classmethod
    def _one_store(cls, data: object) -> object:
        """`path` or `url`, not both; `sqlite:///file` is the same as `path = "file"`."""
        if not isinstance(data, dict) or data.get("url") is None:
            return data
        if "path" in data:
            raise ValueError(
                "storage.path and storage.url are both given: keep one (storage.url = "
                '"sqlite:///file" names the same SQLite file as storage.path = "file")'
            )
        url = data["url"]
        if isinstance(url, str) and url.startswith("sqlite:"):
            rest = {key: value for key, value in data.items() if key != "url"}
            return {**rest, "path": _sqlite_url_path(url)}
        return data

    @field_validator("url")
    @classmethod
    def _postgres_url(cls, value: SecretStr | None) -> SecretStr | None:
        if value is None:
            return None
        try:
            parts = urlsplit(value.get_secret_value())
            _ = parts.port  # a port that is not a number raises here
        except ValueError:
            raise ValueError(f"not a URL: {_URL_SHAPES}") from None
        if parts.scheme not in _POSTGRES_SCHEMES:
            raise ValueError(_URL_SHAPES)
        sslmode = parse_qs(parts.query).get("sslmode", [])
        if any(mode not in _SSLMODES for mode in sslmode):
            raise ValueError(f"sslmode must be one of {', '.join(_SSLMODES)}")
        return value

    def postgres_dsn(self) -> str | None:
        """The PostgreSQL URL with its password, or None when the store is a SQLite file."""
        return None if self.url is None else self.url.get_secret_value()

    @property
    def password(self) -> str | None:
        """The PostgreSQL password (from the URL or the environment), if there is one."""
        dsn = self.postgres_dsn()
        password = None if dsn is None else urlsplit(dsn).password
        return None if password is None else unquote(password)

    @property
    def where(self) -> str:
        """The SQLite file, or the PostgreSQL URL with `***` for its password: safe to print."""
        dsn = self.postgres_dsn()
        if dsn is None:
            return str(self.path)
        return with_password(dsn, None if self.password is None else "***")
