"""How many live sessions a tenant may have. The count is taken, and the new session appended
to the log, while the tenant's lock is held and after this instance's projection has caught
up with the log, so creations racing on any instance cannot pass the limit together."""

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Protocol

from contracts.commands import Refused

__all__ = ["LiveSessions", "SessionQuota", "TenantBusy", "TenantLocks", "over_quota"]


class TenantBusy(Exception):
    """The tenant's lock stayed taken for as long as we could wait."""


class TenantLocks(Protocol):
    """Mutual exclusion per tenant across every instance (NATS KV in production); ``hold``
    raises ``TenantBusy`` when the lock stays taken too long."""

    def hold(self, tenant: str) -> AbstractAsyncContextManager[None]: ...


class LiveSessions(Protocol):
    """The sessions of a tenant that exist and are not deleted, as the log says."""

    async def count_live(self, tenant: str) -> int: ...


def over_quota(limit: int) -> Refused:
    return Refused(
        code="quota_exceeded",
        message=f"the tenant has {limit} sessions, the most it may have; delete one first",
        details={"limit": limit, "resource": "sessions"},
    )


class SessionQuota:
    def __init__(
        self,
        limit: int,
        locks: TenantLocks,
        sessions: LiveSessions,
        caught_up: Callable[[], Awaitable[None]],
    ) -> None:
        self.limit = limit
        self.locks = locks
        self.sessions = sessions
        self.caught_up = caught_up

    @asynccontextmanager
    async def admitting(self, tenant: str) -> AsyncIterator[Refused | None]:
        """None while one more session may be created (create it inside), else the refusal."""
        if self.limit <= 0:
            yield None
            return
        async with self.locks.hold(tenant):
            await self.caught_up()
            live = await self.sessions.count_live(tenant)
            yield None if live < self.limit else over_quota(self.limit)
