"""Which address a request comes from when the gateway sits behind reverse proxies.

The TCP peer, unless it is one of the proxies the operator trusts
(``WA_GATEWAY_TRUSTED_PROXIES``): then ``X-Forwarded-For`` read from the right, each proxy
having appended the address it was reached from, and the first address that is not a trusted
proxy is the client. What a client writes into the header itself stays on its left, so it
cannot choose its own bucket. With no proxy trusted (the default) the header is ignored.
"""

import functools
import ipaddress
from collections.abc import Iterable

__all__ = ["TrustedProxies"]

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class TrustedProxies:
    def __init__(self, networks: Iterable[Network]) -> None:
        self._networks = tuple(networks)
        self._trusted = functools.lru_cache(maxsize=1024)(self._is_trusted)

    def __bool__(self) -> bool:
        """Whether any proxy is trusted (else the header is never read)."""
        return bool(self._networks)

    @classmethod
    def from_setting(cls, text: str) -> "TrustedProxies":
        """``"10.0.0.0/8, 192.0.2.7"``; ValueError naming the entry that is neither an address
        nor a network."""
        networks = []
        for entry in (part.strip() for part in text.split(",")):
            if not entry:
                continue
            try:
                networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                raise ValueError(
                    f"WA_GATEWAY_TRUSTED_PROXIES: {entry!r} is not an address or a network"
                ) from None
        return cls(networks)

    def client(self, peer: str | None, forwarded_for: Iterable[str]) -> str | None:
        """The client's address, given the TCP ``peer`` and the ``X-Forwarded-For`` headers
        (each may list several addresses, the nearest proxy's last)."""
        if not self or not self._trusted(peer or ""):
            return peer
        hops = [hop.strip() for header in forwarded_for for hop in header.split(",")]
        hops = [hop for hop in hops if hop]
        for hop in reversed(hops):
            if not self._trusted(hop):
                return hop
        return hops[0] if hops else peer  # every hop a proxy of ours: the farthest one

    def _is_trusted(self, address: str) -> bool:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return False  # not an address (a Unix socket, or garbage): not a proxy of ours
        if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        return any(ip in network for network in self._networks)
