"""Who may connect from where: address parsing, CIDR checks, the admin whitelist, the relay
allowlist and which ``X-Forwarded-For`` to believe.

Pure functions over settings values, shared by the relay, the admin API and (later) the portal.
The admin whitelist always admits the machine itself (``127.0.0.1`` and ``::1``), so an operator
cannot lock out the local GUI or CLI by editing it.
"""

import ipaddress
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

# Exactly the local machine's own addresses: 127.0.0.2 is loopback too, but the whitelist test
# uses it as "another host", and an operator whitelisting 127.0.0.1/32 means just that.
ALWAYS_ADMIN = (ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("::1/128"))


def parse_address(text: str | None) -> Address | None:
    """An IP address from a peer name or header value; IPv4-mapped IPv6 becomes IPv4."""
    if not text:
        return None
    try:
        address = ipaddress.ip_address(text.strip().split("%", 1)[0].strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


IPV6_BAN_PREFIX = 64


def ban_subject(text: str | None) -> str | None:
    """What a ban of this address covers: an IPv4 address itself, an IPv6 address's whole /64.

    An IPv6 host picks any address in its /64 (privacy addresses even rotate by themselves), so
    banning one address would stop nobody. Accepts an address or such a network's text (what
    the ban list shows); ``None`` for anything else.
    """
    if text and "/" in text:
        try:
            network = ipaddress.ip_network(text.strip(), strict=False)
        except ValueError:
            return None
        text = str(network.network_address) if network.num_addresses == 1 or (
            network.version == 6 and network.prefixlen >= IPV6_BAN_PREFIX) else None
    address = parse_address(text)
    if address is None:
        return None
    if address.version == 4:
        return str(address)
    return str(ipaddress.ip_network((address, IPV6_BAN_PREFIX), strict=False))


def networks(cidrs: Iterable[str]) -> tuple[Network, ...]:
    """Parsed CIDRs; settings are validated on save, so a bad entry here is skipped."""
    result = []
    for cidr in cidrs:
        try:
            result.append(ipaddress.ip_network(cidr, strict=False))
        except ValueError:
            continue
    return tuple(result)


def contains(nets: Sequence[Network], address: Address | None) -> bool:
    return address is not None and any(
        address.version == net.version and address in net for net in nets)


def client_address(peer: str | None, forwarded_for: str | None,
                   trusted: Sequence[Network]) -> str | None:
    """The real client behind trusted reverse proxies.

    ``X-Forwarded-For`` is read only when the TCP peer is a trusted proxy, right to left,
    skipping further trusted proxies: the first untrusted hop is the client. Anyone else's
    header is ignored, so a LAN client cannot claim another address. Nor can anyone claim to
    be this machine through a proxy elsewhere: a loopback hop counts only when forwarded by a
    loopback peer (loopback is never banned and always admitted to the admin API).
    """
    address = parse_address(peer)
    if address is None or not forwarded_for or not contains(trusted, address):
        return str(address) if address is not None else peer
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        hop_address = parse_address(hop)
        if hop_address is None:
            break  # garbage in the chain: trust nothing further left
        if hop_address.is_loopback and not address.is_loopback:
            break  # only the machine itself can forward for the machine itself
        address = hop_address
        if not contains(trusted, hop_address):
            break
    return str(address)


@dataclass(frozen=True, slots=True)
class Policy:
    """The network settings in force, parsed once per refresh."""

    admin_whitelist: tuple[Network, ...] = ALWAYS_ADMIN
    relay_allowlist: tuple[Network, ...] = ()  # empty: any address may call /v1
    trusted_proxies: tuple[Network, ...] = ()

    @classmethod
    def from_settings(cls, values: dict[str, Any]) -> "Policy":
        return cls(admin_whitelist=ALWAYS_ADMIN + networks(values.get("admin_ip_whitelist", [])),
                   relay_allowlist=networks(values.get("relay_allowed_cidrs", [])),
                   trusted_proxies=networks(values.get("trusted_proxies", [])))

    def admin_allows(self, ip: str | None) -> bool:
        return contains(self.admin_whitelist, parse_address(ip))

    def relay_allows(self, ip: str | None) -> bool:
        return not self.relay_allowlist or contains(self.relay_allowlist, parse_address(ip))

    def client(self, peer: str | None, forwarded_for: str | None) -> str | None:
        return client_address(peer, forwarded_for, self.trusted_proxies)

