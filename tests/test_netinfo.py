"""Tests for choosing the LAN address and base URL phones use to join."""

from __future__ import annotations

import socket
from typing import NoReturn

import pytest

from workshop import netinfo
from workshop.netinfo import join_base_url, lan_addresses

LAPTOP = [
    ("lo", "127.0.0.1"),
    ("docker0", "172.17.0.1"),
    ("br-3f2a9c", "172.18.0.1"),
    ("veth12ab", "10.200.0.5"),
    ("virbr0", "192.168.122.1"),
    ("tailscale0", "100.101.102.103"),
    ("wg0", "10.8.0.2"),
    ("tun0", "10.9.0.2"),
    ("enp0s31f6", "169.254.10.20"),
    ("wlp2s0", "192.168.1.23"),
]


def test_virtual_loopback_and_link_local_are_skipped() -> None:
    assert lan_addresses(LAPTOP) == ["192.168.1.23"]


def test_wifi_private_address_beats_other_private_and_public() -> None:
    adapters = [
        ("usb0", "10.0.0.7"),
        ("eth1", "203.0.113.9"),
        ("wlan0", "192.168.0.42"),
        ("en0", "172.20.1.2"),
    ]
    # Private on a real card first (by interface name), then other private, then public.
    assert lan_addresses(adapters) == ["172.20.1.2", "192.168.0.42", "10.0.0.7", "203.0.113.9"]


def test_order_does_not_depend_on_the_system_listing_order() -> None:
    adapters = [("wlan0", "192.168.0.42"), ("eth0", "10.1.2.3"), ("usb0", "10.0.0.7")]
    assert lan_addresses(adapters) == lan_addresses(list(reversed(adapters)))


def test_172_outside_the_private_block_is_not_private() -> None:
    adapters = [("eth0", "172.32.0.1"), ("usb0", "172.31.255.1")]
    assert lan_addresses(adapters) == ["172.31.255.1", "172.32.0.1"]


def test_duplicates_and_garbage_are_dropped() -> None:
    adapters = [("wlan0", "192.168.0.42"), ("wlan0:1", "192.168.0.42"), ("eth0", "not-an-ip")]
    assert lan_addresses(adapters) == ["192.168.0.42"]


def test_offline_laptop_has_no_lan_address() -> None:
    assert lan_addresses([]) == []
    assert lan_addresses([("lo", "127.0.0.1"), ("docker0", "172.17.0.1")]) == []


@pytest.mark.parametrize("bind_host", ["0.0.0.0", "::", ""])
def test_wildcard_bind_uses_the_best_lan_address(bind_host: str) -> None:
    assert join_base_url(bind_host, 8000, adapters=LAPTOP) == "http://192.168.1.23:8000"


def test_offline_falls_back_to_loopback() -> None:
    assert join_base_url("0.0.0.0", 8000, adapters=[("lo", "127.0.0.1")]) == "http://127.0.0.1:8000"
    assert join_base_url("0.0.0.0", 9001, adapters=[]) == "http://127.0.0.1:9001"


def test_public_url_wins_without_its_trailing_slash() -> None:
    url = join_base_url("0.0.0.0", 8000, "https://vote.example.org/ws/", adapters=LAPTOP)
    assert url == "https://vote.example.org/ws"
    assert join_base_url("10.0.0.1", 8000, "https://vote.example.org") == "https://vote.example.org"


def test_specific_bind_host_is_used_as_is() -> None:
    assert join_base_url("10.0.0.5", 8080, adapters=LAPTOP) == "http://10.0.0.5:8080"
    assert join_base_url("fd00::5", 8080) == "http://[fd00::5]:8080"


def test_real_interfaces_are_listed_without_network_traffic(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_traffic(*args: object, **kwargs: object) -> NoReturn:
        raise AssertionError("netinfo must not open sockets")

    monkeypatch.setattr(socket.socket, "connect", no_traffic)
    monkeypatch.setattr(socket.socket, "sendto", no_traffic)
    pairs = netinfo.interface_addresses()
    assert all(isinstance(name, str) and isinstance(ip, str) for name, ip in pairs)
    addresses = lan_addresses()
    assert all(not address.startswith("127.") for address in addresses)
    assert join_base_url("0.0.0.0", 8000).startswith("http://")


def test_default_listing_reads_this_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        netinfo, "interface_addresses", lambda: [("wlan0", "192.168.5.5"), ("lo", "127.0.0.1")]
    )
    assert lan_addresses() == ["192.168.5.5"]
    assert join_base_url("0.0.0.0", 8000) == "http://192.168.5.5:8000"
