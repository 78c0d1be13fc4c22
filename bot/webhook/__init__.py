"""Webhook mode: Telegram POSTs updates to this worker's HTTP server (`[webhook]` in the config).

`server` is the aiohttp application (the secret, the size limit, the JSON, the dedupe, then the
same `deliver` the getUpdates loop feeds); `receiver` runs it for one bot: listens, calls
setWebhook, prunes the dedupe table, and says whether updates can arrive (for /readyz).
"""
