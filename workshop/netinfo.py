"""Finds the laptop's LAN addresses and the base URL phones should open; it never sends a packet."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

import ifaddr

__all__ = ["interface_addresses", "join_base_url", "lan_addresses"]

# Bridges, tunnels and VPNs: an address on them is reachable from this machine or a VPN, not from a phone
# on the room's Wi-Fi.
VIRTUAL_PREFIXES = (
    "docker",
    "br-",
    "veth",
    "virbr",
    "tun",
    "tap",
    "wg",
    "zt",
    "lo",
    "vmnet",
    "vboxnet",
    "utun",
    "tailscale",
)
# Linux (wlp2s0, enp0s31f6, eth0) and macOS (en0) names of real Wi-Fi and Ethernet cards.
PHYSICAL_PREFIXES = ("wl", "en", "eth")
PRIVATE_NETWORKS = tuple(
    ipaddress.IPv4Network(net) for net in ("192.168.0.0/16", "10.0.0.0/8", "172.16.0.0/12")
)
LOOPBACK = ipaddress.IPv4Network("127.0.0.0/8")
LINK_LOCAL = ipaddress.IPv4Network("169.254.0.0/16")
WILDCARD_HOSTS = frozenset({"", "0.0.0.0", "::"})


def interface_addresses() -> list[tuple[str, str]]:
    """List this machine's IPv4 addresses by reading the interface table (no socket is opened).

    Returns:
        ``(interface name, address)`` pairs in the order the operating system reports them.
    """
    pairs: list[tuple[str, str]] = []
    for adapter in ifaddr.get_adapters():
        for ip in adapter.ips:
            # ifaddr gives IPv4 as a str and IPv6 as an (address, flowinfo, scope_id) tuple.
            if isinstance(ip.ip, str):
                pairs.append((adapter.name, ip.ip))
    return pairs


def _tier(name: str, address: ipaddress.IPv4Address) -> int | None:
    """Rank one address: 0 is the likeliest to be reachable from a phone, ``None`` means never."""
    lowered = name.lower()
    if (
        address in LOOPBACK
        or address in LINK_LOCAL
        or address.is_unspecified
        or address.is_multicast
        or lowered.startswith(VIRTUAL_PREFIXES)
    ):
        return None
    private = any(address in network for network in PRIVATE_NETWORKS)
    if private and lowered.startswith(PHYSICAL_PREFIXES):
        return 0
    return 1 if private else 2


def lan_addresses(adapters: Iterable[tuple[str, str]] | None = None) -> list[str]:
    """IPv4 addresses a phone on the same network could reach, best first.

    Args:
        adapters: ``(interface name, address)`` pairs to choose from; ``None`` reads this machine's
            interfaces with :func:`interface_addresses`. Tests pass their own.

    Returns:
        Distinct addresses: private ones on Wi-Fi or Ethernet cards, then other private ones, then the
        rest. Within a tier they are ordered by interface name, then address, so the result does not
        depend on the order the system lists interfaces in.
    """
    pairs = interface_addresses() if adapters is None else adapters
    ranked: list[tuple[int, str, ipaddress.IPv4Address]] = []
    for name, text in pairs:
        try:
            address = ipaddress.IPv4Address(text)
        except ValueError:
            continue
        tier = _tier(name, address)
        if tier is not None:
            ranked.append((tier, name, address))
    result: list[str] = []
    for _, _, address in sorted(ranked):
        # One address can show on several interfaces (aliases); the best-ranked one comes first.
        if str(address) not in result:
            result.append(str(address))
    return result


def join_base_url(
    bind_host: str,
    port: int,
    public_url: str | None = None,
    *,
    adapters: Iterable[tuple[str, str]] | None = None,
) -> str:
    """The base URL to put in the join QR code.

    Args:
        bind_host: The host the server listens on.
        port: The port the server listens on.
        public_url: An address chosen by the facilitator (a reverse proxy, a tunnel); it wins.
        adapters: Passed to :func:`lan_addresses` when the address has to be guessed.

    Returns:
        A URL without a trailing slash. With a wildcard bind host it uses the best LAN address, or
        ``127.0.0.1`` on an offline laptop so the facilitator can at least try it locally.
    """
    if public_url:
        return public_url.rstrip("/")
    host = bind_host.strip()
    if host not in WILDCARD_HOSTS:
        # A bare IPv6 address needs brackets, or its colons read as the port separator.
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"
        return f"http://{host}:{port}"
    candidates = lan_addresses(adapters)
    return f"http://{candidates[0] if candidates else '127.0.0.1'}:{port}"
