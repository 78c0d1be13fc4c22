"""Finding Docker Compose v2 and rendering deploy/compose.yaml with it, for the deploy tests.

`docker compose config` needs no Docker engine: it only reads, merges and interpolates the files.
The plugin (`docker compose`) is preferred; a standalone `docker-compose` binary counts when it
is v2 (v1, the Python one, lacks `--format json` and the `!reset` tag the bring-up uses).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
COMPOSE_FILE = DEPLOY / "compose.yaml"
ENV_EXAMPLE = DEPLOY / ".env.example"
BRINGUP = Path(__file__).resolve().parent / "bringup"
# The variables deploy/compose.yaml interpolates: kept out of the environment the CLI sees, so
# a developer's own shell cannot make a missing .env look complete.
SECRETS = (
    "NEWSDESK_TOKEN",
    "NEWSDESK_WEBHOOK_SECRET",
    "NEWSDESK_DATABASE_PASSWORD",
    "NEWSDESK_DOMAIN",
)
NO_COMPOSE = (
    "Docker Compose v2 is not installed here: `docker compose version` fails (no compose "
    "plugin for the docker CLI) and no docker-compose v2 is on PATH"
)


def _works(command: list[str]) -> bool:
    try:
        done = subprocess.run(
            [*command, "version", "--short"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except OSError:
        return False
    return done.returncode == 0 and not done.stdout.strip().lstrip("v").startswith("1.")


def compose_command() -> list[str] | None:
    """`docker compose`, or a v2 `docker-compose`, or None."""
    docker = shutil.which("docker")
    if docker and _works([docker, "compose"]):
        return [docker, "compose"]
    standalone = shutil.which("docker-compose")
    if standalone and _works([standalone]):
        return [standalone]
    return None


def clean_env() -> dict[str, str]:
    """This process's environment without the deployment's secrets."""
    return {key: value for key, value in os.environ.items() if key not in SECRETS}


def run_compose(
    compose: list[str],
    *args: str,
    env_file: Path,
    files: tuple[Path, ...] = (COMPOSE_FILE,),
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """`compose -f FILE… --env-file ENV ARGS…`, never reading a deploy/.env left in the tree."""
    chosen = [part for file in files for part in ("-f", str(file))]
    return subprocess.run(
        [*compose, *chosen, "--env-file", str(env_file), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=clean_env(),
        check=False,
    )


def rendered(
    compose: list[str], *, env_file: Path = ENV_EXAMPLE, files: tuple[Path, ...] = (COMPOSE_FILE,)
) -> dict[str, Any]:
    """The merged, interpolated model (`config --format json`), as an operator's tools see it."""
    done = run_compose(compose, "config", "--format", "json", env_file=env_file, files=files)
    assert done.returncode == 0, done.stderr
    model: dict[str, Any] = json.loads(done.stdout)
    return model


def env_file_values(path: Path) -> dict[str, str]:
    """KEY=value lines of an env file (comments and blank lines skipped)."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values
