"""Which IP addresses a webhook may reach: globally routable ones only, and an IPv6 address
that carries an IPv4 one (mapped, translated, NAT64, 6to4, Teredo, ISATAP) is judged by the
IPv4 address it reaches, as well as by itself."""

from ipaddress import IPv4Address, IPv6Address, IPv6Network, ip_address

__all__ = ["embedded_ipv4", "is_admitted_address", "is_public_address", "is_public_ip"]

IpAddress = IPv4Address | IPv6Address

# An address in these stands for the IPv4 address in its last 32 bits, nothing else.
_STANDS_FOR_IPV4 = tuple(
    IPv6Network(prefix)
    for prefix in (
        "::ffff:0:0/96",  # IPv4-mapped
        "::ffff:0:0:0/96",  # IPv4-translated (SIIT)
        "::/96",  # IPv4-compatible (deprecated)
        "64:ff9b::/96",  # NAT64, the well-known prefix
    )
)
# Never public, whatever Python's tables (which vary by version) say of them.
_NEVER_PUBLIC_V6 = tuple(
    IPv6Network(prefix)
    for prefix in (
        "::/8",  # reserved, including the IPv4-compatible range
        "64:ff9b:1::/48",  # NAT64 for local use
        "100::/64",  # discard-only
        "2001::/23",  # IETF protocol assignments, Teredo among them
        "2001:db8::/32",  # documentation
        "fc00::/7",  # unique local
        "fe80::/10",  # link-local
        "fec0::/10",  # site-local (deprecated)
        "ff00::/8",  # multicast
    )
)
_ISATAP_MARKERS = (0x00005EFE, 0x02005EFE)


def _in_any(address: IPv6Address, nets: tuple[IPv6Network, ...]) -> bool:
    return any(address in net for net in nets)


def embedded_ipv4(address: IPv6Address) -> list[IPv4Address]:
    """Every IPv4 address the IPv6 one may lead to."""
    value = int(address)
    low = IPv4Address(value & 0xFFFFFFFF)
    found: list[IPv4Address] = []
    if _in_any(address, _STANDS_FOR_IPV4):
        found.append(low)
    if address.sixtofour is not None:
        found.append(address.sixtofour)
    if address.teredo is not None:
        found.extend(address.teredo)
    if (value >> 32) & 0xFFFFFFFF in _ISATAP_MARKERS:
        found.append(low)
    return found


def _public_v4(address: IPv4Address) -> bool:
    return address.is_global and not address.is_multicast and not address.is_reserved


def is_public_ip(address: IpAddress) -> bool:
    """Globally routable: not loopback, private, link-local, shared, reserved or multicast."""
    if isinstance(address, IPv4Address):
        return _public_v4(address)
    if address.scope_id is not None:  # a zone index: link-local by construction
        return False
    if _in_any(address, _STANDS_FOR_IPV4):
        return _public_v4(IPv4Address(int(address) & 0xFFFFFFFF))
    if _in_any(address, _NEVER_PUBLIC_V6) or not address.is_global:
        return False
    return all(_public_v4(inner) for inner in embedded_ipv4(address))


def is_public_address(text: str) -> bool:
    """``is_public_ip`` of an address as text (a resolver's answer, a socket's peer)."""
    try:
        address = ip_address(text)
    except ValueError:
        return False
    return is_public_ip(address)


def is_admitted_address(text: str, *, loopback: bool = False) -> bool:
    """``is_public_address``, or, only when ``loopback`` (a development or test setting), a
    loopback address (127.0.0.0/8, ::1); never a private one."""
    if is_public_address(text):
        return True
    try:
        return loopback and ip_address(text).is_loopback
    except ValueError:
        return False
