# The fake Bot API for the compose bring-up test (tests/deploy/test_compose_up.py); never
# part of the product's image. Built with the repository root as its context.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY handlers ./handlers
COPY storage ./storage
COPY sandbox ./sandbox
RUN pip install --no-cache-dir .
COPY tests/deploy/bringup/fake_telegram.py ./fake_telegram.py
CMD ["python", "fake_telegram.py"]
