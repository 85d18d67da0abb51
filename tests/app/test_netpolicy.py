"""app.netpolicy: address parsing, the admin whitelist that cannot lock out the machine, the
relay allowlist, and which X-Forwarded-For entries to believe."""

import ipaddress

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from app.netpolicy import Policy, client_address, contains, networks, parse_address


@pytest.mark.parametrize(("text", "expected"), [
    ("10.1.2.3", "10.1.2.3"),
    (" 10.1.2.3 ", "10.1.2.3"),
    ("2001:db8::1", "2001:db8::1"),
    ("2001:DB8:0:0::1", "2001:db8::1"),
    ("::ffff:192.168.1.5", "192.168.1.5"),  # dual-stack socket: IPv4-mapped becomes IPv4
    ("::ffff:127.0.0.1", "127.0.0.1"),
    ("fe80::1%eth0", "fe80::1"),  # zone id dropped
    ("[2001:db8::2]", "2001:db8::2"),
    ("[fe80::1%eth0]", "fe80::1"),
])
def test_parse_address(text: str, expected: str) -> None:
    address = parse_address(text)
    assert address == ipaddress.ip_address(expected)
    assert str(address) == expected


def test_parse_address_mapped_is_ipv4_type() -> None:
    assert isinstance(parse_address("::ffff:10.0.0.1"), ipaddress.IPv4Address)


@pytest.mark.parametrize("text", [None, "", "  ", "unknown", "10.0.0", "10.0.0.256",
                                  "1.2.3.4:5678", "[::1]:443", "10.0.0.0/8", "::g", "%eth0",
                                  "<script>", "1.2.3.4 5.6.7.8"])
def test_parse_address_garbage_is_none(text: str | None) -> None:
    assert parse_address(text) is None


def test_networks_skips_bad_entries_and_contains_checks_versions() -> None:
    nets = networks(["10.0.0.0/8", "nonsense", "fd00::/8", "192.168.1.7"])
    assert [str(n) for n in nets] == ["10.0.0.0/8", "fd00::/8", "192.168.1.7/32"]
    assert contains(nets, parse_address("10.200.1.1"))
    assert contains(nets, parse_address("fd12::1"))
    assert contains(nets, parse_address("192.168.1.7"))
    assert not contains(nets, parse_address("192.168.1.8"))
    assert not contains(nets, parse_address("::ffff:11.0.0.1"))
    assert not contains(nets, None)


def test_admin_always_admits_the_machine_itself() -> None:
    policy = Policy.from_settings({"admin_ip_whitelist": ["127.0.0.1/32"]})
    assert policy.admin_allows("127.0.0.1")
    assert policy.admin_allows("::1")
    assert policy.admin_allows("::ffff:127.0.0.1")
    assert not policy.admin_allows("127.0.0.2")  # loopback too, but not "this machine"
    assert not policy.admin_allows("192.168.1.10")
    assert not policy.admin_allows("garbage")
    assert not policy.admin_allows(None)


def test_admin_empty_whitelist_still_admits_loopback() -> None:
    policy = Policy.from_settings({"admin_ip_whitelist": []})
    assert policy.admin_allows("127.0.0.1") and policy.admin_allows("::1")
    assert not policy.admin_allows("10.0.0.1")
    assert Policy().admin_allows("::1") and not Policy().admin_allows("10.0.0.1")


def test_admin_whitelist_ipv4_and_ipv6_cidrs() -> None:
    policy = Policy.from_settings({"admin_ip_whitelist": ["192.168.1.0/24", "2001:db8:1::/48"]})
    assert policy.admin_allows("192.168.1.200")
    assert policy.admin_allows("::ffff:192.168.1.200")
    assert not policy.admin_allows("192.168.2.1")
    assert policy.admin_allows("2001:db8:1:ffff::1")
    assert policy.admin_allows("[2001:db8:1::5]")
    assert not policy.admin_allows("2001:db8:2::1")


def test_relay_allowlist() -> None:
    anyone = Policy.from_settings({"relay_allowed_cidrs": []})
    assert anyone.relay_allows("8.8.8.8") and anyone.relay_allows("2001:db8::1")
    assert anyone.relay_allows(None)  # empty list: nothing to check
    office = Policy.from_settings({"relay_allowed_cidrs": ["10.0.0.0/8", "fd00::/8"]})
    assert office.relay_allows("10.9.8.7") and office.relay_allows("fd00::abcd")
    assert office.relay_allows("::ffff:10.0.0.1")
    assert not office.relay_allows("127.0.0.1")  # the allowlist is not the admin whitelist
    assert not office.relay_allows("11.0.0.1")
    assert not office.relay_allows(None) and not office.relay_allows("junk")


PROXY = Policy.from_settings({"trusted_proxies": ["10.0.0.1/32", "10.0.0.2/32", "fd00::1/128"]})


def test_client_without_header_is_the_peer() -> None:
    assert PROXY.client("192.168.1.5", None) == "192.168.1.5"
    assert PROXY.client("10.0.0.1", None) == "10.0.0.1"
    assert PROXY.client("10.0.0.1", "") == "10.0.0.1"
    assert PROXY.client("::ffff:192.168.1.5", None) == "192.168.1.5"


def test_client_ignores_header_from_untrusted_peer() -> None:
    assert PROXY.client("192.168.1.5", "1.2.3.4") == "192.168.1.5"
    assert PROXY.client("10.0.0.3", "1.2.3.4") == "10.0.0.3"
    assert Policy().client("127.0.0.1", "1.2.3.4") == "127.0.0.1"  # no proxy trusted at all


def test_client_honours_header_from_trusted_proxy() -> None:
    assert PROXY.client("10.0.0.1", "203.0.113.9") == "203.0.113.9"
    assert PROXY.client("fd00::1", "2001:db8::7") == "2001:db8::7"
    assert PROXY.client("10.0.0.1", " ::ffff:203.0.113.9 ") == "203.0.113.9"


def test_client_walks_right_to_left_over_trusted_hops() -> None:
    # client -> 10.0.0.2 (edge proxy) -> 10.0.0.1 (inner proxy) -> relay
    assert PROXY.client("10.0.0.1", "203.0.113.9, 10.0.0.2") == "203.0.113.9"
    # an untrusted hop in the middle is where belief stops
    assert PROXY.client("10.0.0.1", "203.0.113.9, 198.51.100.1, 10.0.0.2") == "198.51.100.1"
    # every hop trusted: the leftmost proxy is all we know
    assert PROXY.client("10.0.0.1", "10.0.0.2") == "10.0.0.2"


def test_client_ignores_spoofed_leftmost_entries() -> None:
    """The client sends ``X-Forwarded-For: 1.2.3.4``; the proxy appends the real address."""
    assert PROXY.client("10.0.0.1", "1.2.3.4, 198.51.100.20") == "198.51.100.20"
    assert PROXY.client("10.0.0.1", "10.0.0.2, 198.51.100.20") == "198.51.100.20"
    assert PROXY.client("10.0.0.1", "127.0.0.1,198.51.100.20") == "198.51.100.20"


def test_only_a_loopback_proxy_may_forward_for_loopback() -> None:
    """A LAN proxy forwarding ``127.0.0.1`` would make its client this machine: always admitted
    to the admin API and never banned. Belief stops at the proxy instead."""
    assert PROXY.client("10.0.0.1", "127.0.0.1") == "10.0.0.1"
    assert PROXY.client("fd00::1", "::1") == "fd00::1"
    assert PROXY.client("10.0.0.1", "203.0.113.9, 127.0.0.1") == "10.0.0.1"
    local = Policy(trusted_proxies=networks(["127.0.0.1/32"]))
    assert local.client("127.0.0.1", "127.0.0.1") == "127.0.0.1"  # nginx on this machine


def test_client_garbage_hops() -> None:
    # garbage left of the real client is never reached
    assert PROXY.client("10.0.0.1", "not-an-ip, 198.51.100.20") == "198.51.100.20"
    # garbage where the client should be: believe nothing beyond the last trusted hop
    assert PROXY.client("10.0.0.1", "198.51.100.20, garbage") == "10.0.0.1"
    assert PROXY.client("10.0.0.1", "5.6.7.8, garbage, 10.0.0.2") == "10.0.0.2"
    # empty entries are skipped, not garbage
    assert PROXY.client("10.0.0.1", " , 198.51.100.20 ,") == "198.51.100.20"
    assert PROXY.client("10.0.0.1", ",,") == "10.0.0.1"


def test_client_address_unparseable_peer_is_passed_through() -> None:
    assert client_address(None, "1.2.3.4", PROXY.trusted_proxies) is None
    assert client_address("weird", "1.2.3.4", PROXY.trusted_proxies) == "weird"


addresses = st.one_of(st.ip_addresses(v=4), st.ip_addresses(v=6)).map(str)
headers = st.one_of(
    st.none(),
    st.text(max_size=60),
    st.lists(st.one_of(addresses, st.text(max_size=12)), max_size=5).map(", ".join),
)


@given(peer=addresses, header=headers)
def test_untrusted_peer_is_the_client_whatever_the_header(peer: str, header: str | None) -> None:
    address = parse_address(peer)
    assume(not contains(PROXY.trusted_proxies, address))
    assert PROXY.client(peer, header) == str(address)
    assert Policy().client(peer, header) == str(address)
