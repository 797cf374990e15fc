"""The Host header check: the names an endpoint answers (DNS-rebinding protection)."""

from __future__ import annotations

import socket

from sabio.serving._hosts import HostCheck, host_name


def test_hosts_names_are_parsed_without_port_brackets_or_case() -> None:
    assert host_name(b"LocalHost:8080") == "localhost"
    assert host_name(b"[::1]:8080") == "::1"
    assert host_name(b"example.org.") == "example.org"
    assert host_name(b"::1") == "::1"


def test_hosts_loopback_binding_answers_loopback_names_only() -> None:
    check = HostCheck("127.0.0.1")
    for value in (b"localhost", b"localhost:1234", b"127.0.0.1:9", b"[::1]:80", None):
        assert check.allows(value), value
    for value in (b"rebind.example", b"rebind.example:1234", b"10.0.0.5", b"localhost.evil"):
        assert not check.allows(value), value
    assert "DNS-rebinding" in check.message(b"rebind.example")


def test_hosts_bound_address_allow_list_and_patterns() -> None:
    check = HostCheck("10.1.2.3", ["models.internal", "*.example.org"])
    assert check.allows(b"10.1.2.3:8080")
    assert check.allows(b"models.internal")
    assert check.allows(b"a.example.org") and check.allows(b"b.a.example.org:1")
    assert not check.allows(b"example.org.evil")
    assert not check.allows(b"10.1.2.4")
    assert HostCheck("127.0.0.1", ["*"]).allows(b"anything")


def test_hosts_all_interfaces_answer_ip_addresses_and_the_hostname() -> None:
    check = HostCheck("0.0.0.0")
    assert check.allows(b"192.168.1.20:8080")
    assert check.allows(b"[fe80::1]:8080")
    assert check.allows(socket.gethostname().encode())
    assert not check.allows(b"rebind.example")
    assert "any IP address" in check.message(b"rebind.example")
