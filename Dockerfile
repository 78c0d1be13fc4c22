# newsdesk in a container: mount the config (and a volume for the database) and run the bot.
#   docker build -t newsdesk .
#   docker run -v "$PWD/config.toml:/etc/newsdesk/config.toml:ro" -v newsdesk-data:/var/lib/newsdesk \
#     -e NEWSDESK_TOKEN=... newsdesk
# Set [storage] path = "/var/lib/newsdesk/newsdesk.sqlite3" in that config.
FROM python:3.11-slim
RUN useradd --system --home-dir /var/lib/newsdesk --create-home newsdesk
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
RUN pip install --no-cache-dir .
USER newsdesk
ENV NEWSDESK_CONFIG=/etc/newsdesk/config.toml
STOPSIGNAL SIGTERM
CMD ["newsdesk", "run"]
