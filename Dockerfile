# newsdesk in a container: mount the config (and a volume for the database) and run the bot.
#   docker build -t newsdesk .
#   docker run -v "$PWD/config.toml:/etc/newsdesk/config.toml:ro" -v newsdesk-data:/var/lib/newsdesk \
#     -e NEWSDESK_TOKEN=... newsdesk
# Set [storage] path = "/var/lib/newsdesk/newsdesk.sqlite3" in that config.
# Webhook mode (several workers on one PostgreSQL): deploy/compose.yaml runs this image with
# deploy/newsdesk.toml, whose [webhook] listens on 0.0.0.0:8443 inside the container.
FROM python:3.11-slim
RUN useradd --system --home-dir /var/lib/newsdesk --create-home newsdesk
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
RUN pip install --no-cache-dir .
COPY deploy/healthcheck.py /usr/local/bin/newsdesk-healthcheck
USER newsdesk
ENV NEWSDESK_CONFIG=/etc/newsdesk/config.toml
# [webhook] port's default: the webhook server, with /healthz, /readyz and /metrics beside it.
EXPOSE 8443
# GET /healthz where the config says the bot serves it ([webhook], else [metrics] port; with
# neither, a polling bot serves nothing and the check passes saying so). Slim has no curl:
# the check is standard-library Python.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "/usr/local/bin/newsdesk-healthcheck"]
STOPSIGNAL SIGTERM
CMD ["newsdesk", "run"]
