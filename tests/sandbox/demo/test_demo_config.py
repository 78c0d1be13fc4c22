"""`newsdesk demo --config`: the desk's own articles in the sandbox, its real store untouched."""

from __future__ import annotations

import hashlib
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.articles import ArticleService
from bot.clock import utc_now
from bot.ingest.importer import import_files
from sandbox.demo import open_sandbox
from storage.database import Database
from tests.support import wait_until

REAL_TOKEN = "987654:a-real-looking-token-the-demo-must-never-use"


async def test_with_a_config_the_demo_posts_from_a_copy_of_its_store(tmp_path: Path) -> None:
    store = tmp_path / "desk.sqlite3"
    lines = tmp_path / "desk.jsonl"
    lines.write_text(
        '{"guid": "desk-1", "title": "Desk story", "url": "https://desk.example/1"}\n'
    )
    db = await Database.open(store)
    try:
        report = await import_files(
            [lines], ArticleService(db, utc_now), tz=ZoneInfo("UTC"), now=utc_now()
        )
    finally:
        await db.close()
    assert report.new == 1
    config = tmp_path / "config.toml"
    config.write_text(
        f'[telegram]\ntoken = "{REAL_TOKEN}"\nchannel = "@my_desk"\nadmins = [1234]\n'
        '[storage]\npath = "desk.sqlite3"\n[site]\nname = "My Desk"\n'
    )
    before = hashlib.sha256(store.read_bytes()).hexdigest()

    async with open_sandbox(port=0, config=config) as sandbox:
        # The bot got going at all, so it used the double's token, not the config's.
        assert sandbox.settings.telegram.token.get_secret_value() != REAL_TOKEN
        assert sandbox.settings.storage.path.parent == sandbox.workdir
        etag = [""]

        async def posted() -> bool:
            state = await sandbox.view.changed("subscriber", etag[0], 1.0 if etag[0] else 0)
            etag[0] = state["etag"]
            return "Desk story" in state["channel"]

        await wait_until(posted, 15, "the desk's article posted")
        page = sandbox.view.page("subscriber")
        assert "My Desk" in page
        assert "@my_desk" in page
        assert REAL_TOKEN not in page

    assert hashlib.sha256(store.read_bytes()).hexdigest() == before  # nothing marked posted
