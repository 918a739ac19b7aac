"""The client address for rate limits (客户端地址), behind trusted reverse proxies or not.

Without trusted proxies the address is the socket peer. When the peer is a trusted proxy, the
client is the rightmost `X-Forwarded-For` hop that is not itself a trusted proxy (every hop to
the left of it was written by someone we cannot trust). Nothing here reads the environment: the
trusted networks come from settings.trusted_proxies (PORTAL_TRUSTED_PROXIES).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(text: str) -> tuple[Network, ...]:
    """'127.0.0.1, 10.0.0.0/8 ::1' -> networks; ValueError naming the bad entry."""
    out = []
    for part in text.replace(",", " ").split():
        try:
            out.append(ipaddress.ip_network(part, strict=False))
        except ValueError as exc:
            raise ValueError(f"PORTAL_TRUSTED_PROXIES: not an address or network: {part!r}") from exc
    return tuple(out)


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:          # [v6]:port
        text = text[1:text.index("]")]
    elif text.count(":") == 1:                          # v4:port
        text = text.partition(":")[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


def _trusted(address, networks: Iterable[Network]) -> bool:
    return any(address.version == n.version and address in n for n in networks)


def client_address(*, peer: str | None, forwarded_for: Iterable[str] = (),
                   trusted: tuple[Network, ...] = ()) -> str:
    """The address to count a request against, or '' when there is none.

    `forwarded_for` are the X-Forwarded-For header values in the order received; they are used
    only when the socket peer itself is a trusted proxy."""
    peer_address = _address(peer or "")
    if peer_address is None:
        return ""
    if not _trusted(peer_address, trusted):
        return str(peer_address)
    hops = [h for value in forwarded_for for h in value.split(",") if h.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return ""  # a garbled hop: the proxy's chain cannot be read, use the global bucket
        if not _trusted(address, trusted):
            return str(address)
    return ""  # only proxies in the chain: no client address


def counted_as(ip: str) -> str:
    """What a per-address limit counts `ip` against: an IPv4 address as it is, an IPv6 address by
    its /64 — one subscriber's network (every home and phone gets a /64 or more), so stepping
    through its 2^64 addresses does not give a fresh allowance each time."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)
