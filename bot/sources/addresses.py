"""Which addresses the fetcher may connect to, and the one name resolution a fetch relies on.

URLs come from config and from editors typing `/post <url>`; neither may reach the bot's own
network (loopback, private ranges, link-local cloud metadata) unless
`fetching.allow_private_addresses` says so. A host name is resolved *once* per hop, every
address it resolves to is checked, and the connection is then pinned to those checked
addresses (`bot.sources.pinning`): a DNS answer that changes between the check and the connect
(DNS rebinding) never gets a byte sent to the new address.

IPv6 forms that carry an IPv4 address (IPv4-mapped `::ffff:a.b.c.d`, SIIT `::ffff:0:a.b.c.d`,
IPv4-compatible `::a.b.c.d`, NAT64 `64:ff9b::/96` and 6to4 `2002::/16`) are judged by the IPv4
address they embed. Teredo (`2001::/32`) and local-use NAT64 (`64:ff9b:1::/48`) are refused
outright: Teredo hides its client's IPv4 address, the local NAT64 prefix places it by a length
only the local network knows, and no news site is served from either.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Sequence

from bot.domain.errors import BlockedURLError, NetworkError

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
# (host, port) -> the IP addresses (as text) the host resolves to.
Resolver = Callable[[str, int], Awaitable[Sequence[str]]]

_IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
_SIIT = ipaddress.IPv6Network("::ffff:0:0:0/96")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_REFUSED_V6 = (
    ipaddress.IPv6Network("2001::/32"),  # Teredo
    ipaddress.IPv6Network("64:ff9b:1::/48"),  # local-use NAT64 (RFC 8215)
)


def embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, SIIT, compatible, NAT64, 6to4)."""
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if any(address in net for net in (_SIIT, _NAT64, _IPV4_COMPATIBLE)):
        return ipaddress.IPv4Address(int(address) & 0xFFFF_FFFF)
    return None


def refused(address: Address) -> bool:
    """True for loopback, private, link-local, reserved, multicast and what embeds them."""
    if isinstance(address, ipaddress.IPv6Address):
        if any(address in net for net in _REFUSED_V6):
            return True
        inner = embedded_ipv4(address)
        if inner is not None:
            return refused(inner)
    # is_global is False for loopback, RFC 1918, link-local (169.254.169.254 metadata), CGNAT,
    # documentation, reserved and unique-local ranges; multicast is never a web server.
    return not address.is_global or address.is_multicast


async def system_resolver(host: str, port: int) -> list[str]:
    """The operating system's answer for `host` (every address, IPv4 and IPv6)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


async def resolve_checked(
    host: str, port: int, *, allow_private: bool, resolver: Resolver
) -> list[str]:
    """Resolve `host` once; every address, checked (unless private ones are allowed), in order.

    Raises `BlockedURLError` when any address is refused (a name that mixes a public and a
    private answer is refused whole), `NetworkError` when the name does not resolve.
    """
    try:
        addresses: list[Address] = [ipaddress.ip_address(host)]
    except ValueError:
        try:
            answers = await resolver(host, port)
        except (OSError, UnicodeError, ValueError) as exc:
            raise NetworkError(f"cannot resolve {host}: {exc}") from None
        try:
            addresses = [ipaddress.ip_address(answer.split("%", 1)[0]) for answer in answers]
        except ValueError as exc:
            raise NetworkError(f"cannot resolve {host}: {exc}") from None
    if not addresses:
        raise NetworkError(f"cannot resolve {host}: no addresses")
    if not allow_private:
        for address in addresses:
            if refused(address):
                raise BlockedURLError(
                    f"{host} is {address}, a loopback, private, link-local or reserved address; "
                    "such URLs are refused (fetching.allow_private_addresses is off)"
                )
    return list(dict.fromkeys(str(address) for address in addresses))
