"""deploy/compose.yaml as an operator reads it: rendered by Docker Compose, then checked.

`docker compose config` validates the file against the Compose schema, merges, interpolates the
secrets from an env file and prints the model as JSON; the tests assert on that model what an
operator relies on (services, ports, health checks, volumes, where secrets come from). Without
Compose v2 these skip, saying so; the env file and the Caddyfile are checked regardless.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from bot.redaction import TOKEN_SHAPED
from tests.deploy.compose_cli import (
    BRINGUP,
    COMPOSE_FILE,
    DEPLOY,
    ENV_EXAMPLE,
    NO_COMPOSE,
    ROOT,
    SECRETS,
    compose_command,
    env_file_values,
    rendered,
    run_compose,
)

WORKERS = ("worker1", "worker2")
CADDYFILE = DEPLOY / "Caddyfile"
WORKER_CONFIG = tomllib.loads((DEPLOY / "newsdesk.toml").read_text(encoding="utf-8"))
WEBHOOK_PORT = WORKER_CONFIG["webhook"]["port"]
EXAMPLE = env_file_values(ENV_EXAMPLE)
# python-telegram-bot's token shape, as bot.config checks it: "<digits>:<letters>".
TOKEN_LIKE = re.compile(r"\d+:[A-Za-z0-9_-]+")


@pytest.fixture(scope="module")
def compose() -> list[str]:
    found = compose_command()
    if found is None:
        pytest.skip(NO_COMPOSE)
    return found


@pytest.fixture(scope="module")
def model(compose: list[str]) -> dict[str, Any]:
    return rendered(compose)


def test_services_are_postgres_two_workers_and_a_proxy(model: dict[str, Any]) -> None:
    assert set(model["services"]) == {"postgres", *WORKERS, "caddy"}
    assert model["name"] == "newsdesk"


def test_a_missing_secret_stops_compose_and_names_it(compose: list[str], tmp_path: Path) -> None:
    partial = tmp_path / "partial.env"
    partial.write_text("NEWSDESK_DOMAIN=newsdesk.example.org\n", encoding="utf-8")
    done = run_compose(compose, "config", env_file=partial)
    assert done.returncode != 0
    assert "set NEWSDESK_" in done.stderr and "in deploy/.env" in done.stderr, done.stderr


def test_postgres_keeps_its_data_in_a_volume_and_reports_ready(model: dict[str, Any]) -> None:
    postgres = model["services"]["postgres"]
    assert postgres["image"].split(":")[1].startswith("15")
    mounts = {(m["type"], m["source"], m["target"]) for m in postgres["volumes"]}
    assert ("volume", "pgdata", "/var/lib/postgresql/data") in mounts
    assert "pgdata" in model["volumes"]
    check = " ".join(postgres["healthcheck"]["test"])
    assert "pg_isready" in check and "-d newsdesk" in check
    assert postgres["environment"]["POSTGRES_PASSWORD"] == EXAMPLE["NEWSDESK_DATABASE_PASSWORD"]
    assert not postgres.get("ports"), "PostgreSQL must not be published on the host"


@pytest.mark.parametrize("name", WORKERS)
def test_each_worker_is_the_image_in_webhook_mode_on_postgres(
    model: dict[str, Any], name: str
) -> None:
    worker = model["services"][name]
    assert Path(worker["build"]["context"]) == ROOT
    assert worker["build"]["dockerfile"] == "Dockerfile"
    assert worker["depends_on"]["postgres"]["condition"] == "service_healthy"
    config = next(m for m in worker["volumes"] if m["target"] == "/etc/newsdesk/config.toml")
    assert Path(config["source"]) == DEPLOY / "newsdesk.toml" and config["read_only"]
    env = worker["environment"]
    assert env["NEWSDESK_CONFIG"] == "/etc/newsdesk/config.toml"
    for secret in ("NEWSDESK_TOKEN", "NEWSDESK_WEBHOOK_SECRET", "NEWSDESK_DATABASE_PASSWORD"):
        assert env[secret] == EXAMPLE[secret], f"{secret} must come from the env file"
    assert worker["read_only"] and worker["cap_drop"] == ["ALL"]


def test_each_worker_has_its_own_loopback_port(model: dict[str, Any]) -> None:
    published = []
    for name in WORKERS:
        (port,) = model["services"][name]["ports"]
        assert port["target"] == WEBHOOK_PORT, "the container port is [webhook] port"
        assert port["host_ip"] == "127.0.0.1", "workers are reached from outside only via Caddy"
        published.append(port["published"])
    assert len(set(published)) == len(WORKERS)


def test_caddy_fronts_every_worker_on_443(model: dict[str, Any]) -> None:
    caddy = model["services"]["caddy"]
    published = {(p["published"], p["target"], p["protocol"]) for p in caddy["ports"]}
    assert {("443", 443, "tcp"), ("80", 80, "tcp")} <= published
    mounts = {m["target"]: m for m in caddy["volumes"]}
    assert Path(mounts["/etc/caddy/Caddyfile"]["source"]) == CADDYFILE
    assert mounts["/data"]["type"] == "volume", "certificates must survive a re-creation"
    assert set(caddy["depends_on"]) == set(WORKERS)
    assert caddy["environment"]["NEWSDESK_DOMAIN"] == EXAMPLE["NEWSDESK_DOMAIN"]


def test_compose_file_holds_no_secret() -> None:
    text = COMPOSE_FILE.read_text(encoding="utf-8")
    assert not TOKEN_SHAPED.search(text)
    for secret in SECRETS:
        assert f"${{{secret}:?" in text, f"{secret} must be required from the env file"


def test_bringup_override_renders_with_the_deploy_file(compose: list[str]) -> None:
    merged = rendered(compose, files=(COMPOSE_FILE, BRINGUP / "compose.override.yaml"))
    services = merged["services"]
    for n, name in enumerate(WORKERS, start=1):
        assert services[name]["network_mode"] == f"service:telegram{n}"
        assert not services[name].get("ports")
        assert services[f"telegram{n}"]["networks"]["default"]["aliases"] == [name]


# -- checked without Compose ---------------------------------------------------------------


def test_env_example_names_every_secret_and_holds_none() -> None:
    assert set(EXAMPLE) == set(SECRETS)
    for key, value in EXAMPLE.items():
        assert value, f"{key} has no placeholder"
        assert not TOKEN_LIKE.fullmatch(value) and not TOKEN_SHAPED.search(value), key
    assert "deploy/.env" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()


def test_webhook_url_is_the_domain_and_path_caddy_serves() -> None:
    url = urlsplit(WORKER_CONFIG["webhook"]["url"])
    assert url.scheme == "https" and url.hostname == EXAMPLE["NEWSDESK_DOMAIN"]
    assert url.path == WORKER_CONFIG["webhook"]["path"]
    assert f"handle {url.path} {{" in CADDYFILE.read_text(encoding="utf-8")


def caddy_upstreams(text: str) -> list[set[str]]:
    """The upstreams of every reverse_proxy line of a Caddyfile."""
    return [set(m.split()) for m in re.findall(r"^\s*reverse_proxy ([^{\n]+)", text, re.M)]


def test_caddyfile_balances_over_every_worker_by_readiness() -> None:
    text = CADDYFILE.read_text(encoding="utf-8")
    wanted = {f"{name}:{WEBHOOK_PORT}" for name in WORKERS}
    upstreams = caddy_upstreams(text)
    assert upstreams and all(found == wanted for found in upstreams)
    assert text.count("health_uri /readyz") == len(upstreams)
    assert "/metrics" not in re.sub(r"#.*", "", text), "/metrics must not be proxied publicly"


def test_caddy_reads_the_caddyfile(tmp_path: Path) -> None:
    caddy = shutil.which("caddy")
    if caddy is None:
        pytest.skip("caddy is not installed: the Caddyfile was checked as text only")
    done = subprocess.run(
        [caddy, "adapt", "--config", str(CADDYFILE), "--adapter", "caddyfile"],
        capture_output=True,
        text=True,
        timeout=60,
        env={"NEWSDESK_DOMAIN": EXAMPLE["NEWSDESK_DOMAIN"], "HOME": str(tmp_path)},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert '"dial":"worker1:8443"' in done.stdout and '"uri":"/readyz"' in done.stdout
    assert EXAMPLE["NEWSDESK_DOMAIN"] in done.stdout
