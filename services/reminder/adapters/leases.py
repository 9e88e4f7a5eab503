"""Per-session dispatch leases (runtime/leases.py) in the reminder's NATS KV bucket, keyed
``<tenant>.<session>``.

Only the holder of a session's lease dispatches that session's reminders, so its pacing
holds across instances. A holder that dies stops renewing; the key ages out after the TTL.
"""

from nats.js import JetStreamContext

from runtime.leases import Leases
from runtime.nats_leases import open_leases

__all__ = ["LEASE_BUCKET", "SessionLeases"]

LEASE_BUCKET = "wa_reminder_leases"


class SessionLeases:
    """This instance's leases, opened on ``open``; ``renew`` renews them all."""

    def __init__(self, js: JetStreamContext, instance: str, ttl_s: float, replicas: int = 1):
        self._js, self._instance, self._replicas = js, instance, replicas
        self.ttl_s = ttl_s
        self._leases: Leases | None = None

    async def open(self) -> None:
        self._leases = await open_leases(
            self._js, LEASE_BUCKET, self._instance, ttl_s=self.ttl_s, replicas=self._replicas
        )

    @property
    def leases(self) -> Leases:
        assert self._leases is not None, "open() first"
        return self._leases

    def holds(self, key: str) -> bool:
        return self.leases.holds(key)

    async def acquire(self, key: str) -> bool:
        """True if this instance holds (or now took) the lease on ``key``."""
        return await self.leases.acquire(key)

    async def renew(self) -> list[str]:
        """Renew every held lease; returns the keys lost (taken over, expired, unreachable)."""
        return await self.leases.renew_all()

    async def release(self, key: str) -> None:
        await self.leases.release(key)
