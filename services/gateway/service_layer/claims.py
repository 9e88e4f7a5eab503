"""Claiming an Idempotency-Key: one request at a time runs it (compare-and-set on its
record), a concurrent one waits for that answer, and a failed or abandoned run is taken
over with the same seed."""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import msgspec

from contracts.ids import new_id
from runtime.logging import get_logger
from runtime.messaging import BackendUnavailable
from services.gateway.adapters.idempotency_records import IdempotencyRecords
from services.gateway.domain.idempotency import Record, next_step

__all__ = ["Claim", "Claims", "InProgress", "KeyReused"]

log = get_logger(__name__)
Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


class KeyReused(Exception):
    """The key was first used with another method, path or body."""


class InProgress(Exception):
    """Another request with the key is still running after the wait."""


@dataclass
class Claim:
    """This request runs the key: ``seed`` names what it creates."""

    name: str
    record: Record
    revision: int
    lost: bool = False

    @property
    def seed(self) -> str:
        return self.record.seed


class Claims:
    """``lease_s``: how long a claim holds unless renewed (a dead gateway's claim is taken
    over after it); ``wait_s``: how long a concurrent request waits for the answer."""

    def __init__(
        self,
        records: IdempotencyRecords,
        *,
        clock: Clock,
        lease_s: float,
        wait_s: float,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.records = records
        self.clock = clock
        self.lease_s = lease_s
        self.wait_s = wait_s
        self.sleep = sleep

    async def begin(self, name: str, fingerprint: str) -> Claim | bytes:
        """A claim to run, or the sealed first answer to give again."""
        deadline = self.clock() + self.wait_s
        pause = 0.02
        while True:
            record = self._held(Record(fingerprint=fingerprint, seed=new_id(), state="running"))
            revision = await self.records.create(name, record)
            if revision is not None:
                return Claim(name, record, revision)
            found = await self.records.get(name)
            if found is not None:
                existing, revision = found
                step = next_step(existing, fingerprint, self.clock())
                if step == "reused":
                    raise KeyReused(name)
                if step == "replay" and existing.answer is not None:
                    return existing.answer
                if step == "take":
                    record = self._held(existing)
                    revision = await self.records.update(name, record, revision)
                    if revision is not None:
                        log.info("idempotency.taken_over", seed=existing.seed)
                        return Claim(name, record, revision)
            if self.clock() >= deadline:
                raise InProgress(name)
            await self.sleep(pause)
            pause = min(pause * 2, 0.25)

    def _held(self, record: Record) -> Record:
        """``record``, claimed by a new holder for one lease."""
        until = self.clock() + self.lease_s
        return msgspec.structs.replace(
            record, state="running", until=until, answer=None, holder=new_id()
        )

    async def _replace(self, claim: Claim, record: Record) -> bool:
        """Write ``record`` if the claim is still this one's. A stale revision (a renewal
        whose acknowledgement was lost) is looked up again by the record's holder."""
        revision = await self.records.update(claim.name, record, claim.revision)
        if revision is None:
            found = await self.records.get(claim.name)
            if found is None or found[0].state != "running":
                return False
            if found[0].holder != claim.record.holder:
                return False
            revision = await self.records.update(claim.name, record, found[1])
        if revision is None:
            return False
        claim.record, claim.revision = record, revision
        return True

    async def hold(self, claim: Claim, released: asyncio.Event | None = None) -> None:
        """Renew the claim every third of the lease until ``released`` (or cancelled), or
        until it is lost. ``released`` ends the loop even when a cancellation is lost (on
        Python 3.11 ``asyncio.wait_for`` can swallow one that meets a reply)."""
        while not claim.lost and not (released and released.is_set()):
            await self.sleep(self.lease_s / 3)
            if released and released.is_set():
                return
            renewed = msgspec.structs.replace(claim.record, until=self.clock() + self.lease_s)
            try:
                claim.lost = not await self._replace(claim, renewed)
            except BackendUnavailable:  # NATS is away: try again at the next third
                continue
            if claim.lost:
                log.warning("idempotency.claim_lost", seed=claim.seed)

    async def finish(self, claim: Claim, answer: bytes | None) -> None:
        """Keep the sealed ``answer`` (``done``), or leave the key ``open`` for a retry."""
        if answer is None:
            record = msgspec.structs.replace(claim.record, state="open", until=0.0)
        else:
            record = msgspec.structs.replace(claim.record, state="done", answer=answer)
        if claim.lost or not await self._replace(claim, record):
            log.warning("idempotency.answer_not_kept", seed=claim.seed)
