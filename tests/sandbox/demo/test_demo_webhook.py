"""`newsdesk demo --webhook`: the same sandbox with the double POSTing updates to the bot."""

from __future__ import annotations

from sandbox.demo import open_sandbox
from sandbox.demo.seed import DEMO_SUBSCRIBER_ID


async def test_the_demo_runs_in_webhook_mode() -> None:
    async with open_sandbox(port=0, webhook=True) as sandbox:
        fake = sandbox.fake
        hook = sandbox.settings.webhook
        assert hook is not None and hook.url.startswith("http://127.0.0.1:")
        reader = fake.user(DEMO_SUBSCRIBER_ID)
        fake.send_text(reader, "/start")
        await fake.wait_for_call("sendMessage", lambda p: p.get("chat_id") == reader.id)
        (call,) = fake.calls_of("setWebhook")
        assert call.params["url"] == hook.url
        assert fake.calls_of("getUpdates") == []
