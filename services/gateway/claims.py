"""Claiming an Idempotency-Key: one request at a time runs it (compare-and-set on its
record), a concurrent one waits for that answer, and a failed or abandoned run is taken
over with the same seed."""

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import msgspec

from contracts.ids import new_id
from runtime.logging import get_logger
from runtime.rpc import BackendUnavailable
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
            record = Record(fingerprint=fingerprint, seed=new_id(), state="running")
            claim = await self._create(name, self._held(record))
            if claim is not None:
                return claim
            found = await self.records.get(name)
            if found is not None:
                existing, revision = found
                step = next_step(existing, fingerprint, self.clock())
                if step == "reused":
                    raise KeyReused(name)
                if step == "replay" and existing.answer is not None:
                    return existing.answer
                if step == "take":
                    claim = await self._update(Claim(name, existing, revision), existing)
                    if claim is not None:
                        log.info("idempotency.taken_over", seed=existing.seed)
                        return claim
            if self.clock() >= deadline:
                raise InProgress(name)
            await self.sleep(pause)
            pause = min(pause * 2, 0.25)

    def _held(self, record: Record) -> Record:
        until = self.clock() + self.lease_s
        return msgspec.structs.replace(record, state="running", until=until, answer=None)

    async def _create(self, name: str, record: Record) -> Claim | None:
        revision = await self.records.create(name, record)
        return None if revision is None else Claim(name, record, revision)

    async def _update(self, claim: Claim, record: Record) -> Claim | None:
        held = self._held(record)
        revision = await self.records.update(claim.name, held, claim.revision)
        return None if revision is None else Claim(claim.name, held, revision)

    async def hold(self, claim: Claim) -> None:
        """Renew the claim every third of the lease until cancelled, or until it is lost."""
        while not claim.lost:
            await self.sleep(self.lease_s / 3)
            try:
                renewed = await self._update(claim, claim.record)
            except BackendUnavailable:  # NATS is away: try again at the next third
                continue
            if renewed is None:
                claim.lost = True
                log.warning("idempotency.claim_lost", seed=claim.seed)
            else:
                claim.record, claim.revision = renewed.record, renewed.revision

    async def finish(self, claim: Claim, answer: bytes | None) -> None:
        """Keep the sealed ``answer`` (``done``), or leave the key ``open`` for a retry."""
        if answer is None:
            record = msgspec.structs.replace(claim.record, state="open", until=0.0)
        else:
            record = msgspec.structs.replace(claim.record, state="done", answer=answer)
        if claim.lost or await self.records.update(claim.name, record, claim.revision) is None:
            log.warning("idempotency.answer_not_kept", seed=claim.seed)
