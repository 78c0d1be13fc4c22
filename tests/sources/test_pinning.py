"""DNS rebinding: a host is resolved once, every address checked, the connection pinned to them.

The resolver and the network are the fetcher's constructor arguments, so the tests pass their
own instead of patching: a resolver that answers differently on each call (public first, then
127.0.0.1, as a rebinding attacker's DNS does), and a small "internet" that routes one public
address to the local server, lets loopback through and has no route to anything else. The local
server records every request, so "never reached" is asserted on what it saw.
"""

from __future__ import annotations

import asyncio
import ipaddress
import ssl
import subprocess
from collections.abc import AsyncIterator, Iterable, Sequence
from pathlib import Path
from typing import Any

import httpcore
import pytest

from bot.domain.errors import BlockedURLError, NetworkError
from bot.sources.addresses import refused
from bot.sources.fetcher import Fetcher, guard
from tests.sources.conftest import LocalServer, make_settings

FEED = b'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title></channel></rss>'
PUBLIC_SITE = "93.184.215.14"  # routed to the local server by the test's network
NO_ROUTE = "93.184.215.15"  # a public address the test's network cannot reach


class ChangingResolver:
    """Answers each host from a list of successive answers (the last one repeats)."""

    def __init__(self, answers: dict[str, list[list[str]]]) -> None:
        self.answers = answers
        self.calls: list[str] = []

    async def __call__(self, host: str, port: int) -> Sequence[str]:
        turn = sum(1 for seen in self.calls if seen == host)
        self.calls.append(host)
        options = self.answers[host]
        return options[min(turn, len(options) - 1)]


class Internet(httpcore.AsyncNetworkBackend):
    """PUBLIC_SITE and loopback lead to this machine; anything else has no route."""

    def __init__(self) -> None:
        self.attempts: list[str] = []
        self._real = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 - httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        self.attempts.append(host)
        if host not in (PUBLIC_SITE, "127.0.0.1"):
            raise httpcore.ConnectError(f"no route to {host} in the test")
        return await self._real.connect_tcp("127.0.0.1", port, timeout, local_address)

    async def sleep(self, seconds: float) -> None:
        await asyncio.sleep(seconds)


def _port(server: LocalServer) -> int:
    return int(server.url.rsplit(":", 1)[1])


async def test_a_name_that_rebinds_after_the_check_never_reaches_the_local_server(
    server: LocalServer, tmp_path: Path
) -> None:
    server.routes["/admin"] = lambda h: h.reply(200, FEED)
    resolver = ChangingResolver({"rebind.test": [[NO_ROUTE], ["127.0.0.1"]]})
    internet = Internet()
    settings = make_settings(tmp_path, allow_private_addresses=False)
    async with Fetcher(settings.fetching, resolver=resolver, network=internet) as fetcher:
        with pytest.raises(NetworkError):
            await fetcher.fetch(f"http://rebind.test:{_port(server)}/admin")
    assert server.requests == []  # nothing was sent to 127.0.0.1
    assert resolver.calls == ["rebind.test"]  # resolved once: the checked answer is the one used
    assert internet.attempts == [NO_ROUTE]


async def test_every_address_of_a_name_is_checked_before_any_connection(
    server: LocalServer, tmp_path: Path
) -> None:
    server.routes["/admin"] = lambda h: h.reply(200, FEED)
    resolver = ChangingResolver({"mixed.test": [[PUBLIC_SITE, "127.0.0.1"]]})
    internet = Internet()
    settings = make_settings(tmp_path, allow_private_addresses=False)
    async with Fetcher(settings.fetching, resolver=resolver, network=internet) as fetcher:
        with pytest.raises(BlockedURLError, match=r"127\.0\.0\.1"):
            await fetcher.fetch(f"http://mixed.test:{_port(server)}/admin")
    assert internet.attempts == []
    assert server.requests == []


async def test_a_public_name_is_fetched_through_its_pinned_address_with_its_host_header(
    server: LocalServer, tmp_path: Path
) -> None:
    server.routes["/feed"] = lambda h: h.reply(200, FEED)
    resolver = ChangingResolver({"news.test": [[PUBLIC_SITE]]})
    internet = Internet()
    settings = make_settings(tmp_path, allow_private_addresses=False)
    async with Fetcher(settings.fetching, resolver=resolver, network=internet) as fetcher:
        result = await fetcher.fetch(f"http://news.test:{_port(server)}/feed")
    assert result.body == FEED
    assert server.hits("/feed")[0].headers["host"] == f"news.test:{_port(server)}"
    assert internet.attempts == [PUBLIC_SITE]


async def test_each_redirect_hop_is_resolved_checked_and_pinned_again(
    server: LocalServer, tmp_path: Path
) -> None:
    port = _port(server)
    server.routes["/rebind"] = lambda h: h.reply(
        302, headers={"Location": f"http://rebind.test:{port}/secret"}
    )
    server.routes["/internal"] = lambda h: h.reply(
        302, headers={"Location": f"http://internal.test:{port}/secret"}
    )
    server.routes["/secret"] = lambda h: h.reply(200, FEED)
    resolver = ChangingResolver(
        {
            "news.test": [[PUBLIC_SITE]],
            "rebind.test": [[NO_ROUTE], ["127.0.0.1"]],
            "internal.test": [["10.1.2.3"]],
        }
    )
    internet = Internet()
    settings = make_settings(tmp_path, allow_private_addresses=False)
    async with Fetcher(settings.fetching, resolver=resolver, network=internet) as fetcher:
        with pytest.raises(NetworkError):
            await fetcher.fetch(f"http://news.test:{port}/rebind")
        with pytest.raises(BlockedURLError, match=r"10\.1\.2\.3"):
            await fetcher.fetch(f"http://news.test:{port}/internal")
    assert [urlpath.path for urlpath in server.requests] == ["/rebind", "/internal"]
    assert "127.0.0.1" not in internet.attempts and "10.1.2.3" not in internet.attempts


async def test_with_private_addresses_allowed_a_name_still_connects_to_its_resolved_address(
    server: LocalServer, tmp_path: Path
) -> None:
    server.routes["/feed"] = lambda h: h.reply(200, FEED)
    resolver = ChangingResolver({"intranet.test": [["127.0.0.1"]]})
    settings = make_settings(tmp_path, allow_private_addresses=True)
    async with Fetcher(settings.fetching, resolver=resolver) as fetcher:  # the real network
        result = await fetcher.fetch(f"http://intranet.test:{_port(server)}/feed")
    assert result.body == FEED
    assert result.url == f"http://intranet.test:{_port(server)}/feed"
    assert server.hits("/feed")[0].headers["host"] == f"intranet.test:{_port(server)}"


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    """A self-signed certificate for news.test and its key, made by the openssl command."""
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=news.test", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
async def tls_server(
    certificate: tuple[Path, Path],
) -> AsyncIterator[tuple[int, list[str | None]]]:
    """A TLS server on 127.0.0.1 with a self-signed certificate; records the SNI it is sent."""
    cert, key = certificate
    names: list[str | None] = []
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)

    def record(_conn: ssl.SSLObject, name: str | None, _context: ssl.SSLContext) -> None:
        names.append(name)

    context.sni_callback = record

    async def drop(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    server = await asyncio.start_server(drop, "127.0.0.1", 0, ssl=context)
    yield server.sockets[0].getsockname()[1], names
    server.close()
    await server.wait_closed()


async def test_tls_is_still_spoken_to_the_host_name_not_the_pinned_address(
    tls_server: tuple[int, list[str | None]], tmp_path: Path
) -> None:
    port, names = tls_server
    resolver = ChangingResolver({"news.test": [["127.0.0.1"]]})
    settings = make_settings(tmp_path, allow_private_addresses=True)
    async with Fetcher(settings.fetching, resolver=resolver) as fetcher:
        with pytest.raises(NetworkError, match="CERTIFICATE_VERIFY_FAILED"):
            await fetcher.fetch(f"https://news.test:{port}/feed")  # self-signed: refused
    assert names == ["news.test"]  # SNI (and so the certificate check) name the host


@pytest.mark.parametrize(
    "address",
    [
        "::ffff:127.0.0.1",  # IPv4-mapped
        "::ffff:0:a9fe:a9fe",  # SIIT IPv4-translated 169.254.169.254
        "::7f00:1",  # IPv4-compatible 127.0.0.1
        "::a00:1",  # IPv4-compatible 10.0.0.1
        "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 of the cloud metadata address
        "64:ff9b:1::a00:1",  # local-use NAT64
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "2002:c0a8:101::1",  # 6to4 of 192.168.1.1
        "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
        "224.0.0.1",
        "ff02::1",
    ],
)
async def test_addresses_embedding_a_refused_ipv4_are_refused(address: str) -> None:
    assert refused(ipaddress.ip_address(address))
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(BlockedURLError):
        await guard(f"http://{host}/feed", allow_private=False)


@pytest.mark.parametrize(
    "address", ["64:ff9b::808:808", "2002:808:808::1", "::ffff:8.8.8.8", "2606:4700::1111"]
)
def test_addresses_embedding_a_public_ipv4_are_allowed(address: str) -> None:
    assert not refused(ipaddress.ip_address(address))
