"""Admission of a guarded request: failed authentications limited per client address, then
the credential checked, then the rate limit of whoever it authenticated as.

The rate limit is keyed on the principal (the admin, or the tenant), not on the header's
spelling, so ``bearer  <key>`` and ``Bearer <key>`` share one bucket. Unknown keys cannot
each get a fresh burst either: every failed authentication spends a token of the client
address, and once those are spent the address gets 429 before its key is even looked up.
Behind trusted reverse proxies the address is the one they forwarded (domain/trusted_proxies.py)."""

import functools
import ipaddress
import math
from typing import Literal

from aiohttp import web

from services.gateway.http.auth import require_admin, require_tenant
from services.gateway.http.errors import ApiError
from services.gateway.http.keys import AUTH_FAILURES, LIMITER, PROXIES, SETTINGS, TENANTS

__all__ = ["admit", "client_address"]


async def admit(request: web.Request, auth: Literal["admin", "tenant"]) -> None:
    """Authenticate the request as ``auth`` and spend a token of its principal; ApiError
    401/400 when the credential fails, 429 (with Retry-After) when a bucket is empty."""
    failures, peer, proxies = request.app[AUTH_FAILURES], request.remote, request.app[PROXIES]
    if proxies:  # behind proxies of ours: the client they forwarded
        peer = proxies.client(peer, request.headers.getall("X-Forwarded-For", ()))
    address = client_address(peer)
    wait = failures.wait(address)
    if wait > 0:
        raise _too_many(wait, "too many failed authentications from this address")
    try:
        principal = await _principal(request, auth)
    except ApiError as exc:
        if exc.status == 401 and (wait := failures.check(address)) > 0:
            raise _too_many(wait, "too many failed authentications from this address") from exc
        raise
    wait = request.app[LIMITER].check(principal)
    if wait > 0:
        raise _too_many(wait, "too many requests for this key")


async def _principal(request: web.Request, auth: Literal["admin", "tenant"]) -> str:
    if auth == "admin":
        require_admin(request, request.app[SETTINGS].admin_token)
        return "admin"
    return "tenant:" + await require_tenant(request, request.app[TENANTS])


@functools.lru_cache(maxsize=4096)  # parsing the address on every request cost ~3 us
def client_address(remote: str | None) -> str:
    """The bucket of a TCP peer: an IPv4 address, or an IPv6 peer's /64 (one host may hold
    all of it)."""
    remote = remote or ""
    try:
        ip = ipaddress.ip_address(remote)
    except ValueError:
        return remote
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def _too_many(wait: float, message: str) -> ApiError:
    return ApiError(
        429,
        "rate_limited",
        message,
        {"retry_after_s": round(wait, 3)},
        headers={"Retry-After": str(max(1, math.ceil(wait)))},
    )
