"""Idempotency-Key without a server: the key rules, sealing, and claims over the in-memory
records with a fake clock (waiting, taking over a failed or abandoned run, renewing)."""

import asyncio

import pytest

from services.gateway.adapters.idempotency_records import MemoryIdempotencyRecords
from services.gateway.domain.idempotency import (
    KeyRejected,
    check_key,
    fingerprint,
    is_final,
    record_name,
)
from services.gateway.domain.sealing import open_sealed, seal, sealing_key
from services.gateway.service_layer.claims import Claim, Claims, InProgress, KeyReused

LEASE, WAIT = 3.0, 5.0
FP = fingerprint("POST", "/v1/sessions", b'{"name":"a"}')


class FakeClock:
    def __init__(self) -> None:
        self.now = 1_000.0
        self.slept = 0
        self.during_sleep: list[object] = []  # coroutines run at the next sleep

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        self.slept += 1
        await asyncio.sleep(0)
        while self.during_sleep:
            await self.during_sleep.pop(0)  # type: ignore[misc]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def claims(clock: FakeClock) -> Claims:
    records = MemoryIdempotencyRecords()
    return Claims(records, clock=clock, lease_s=LEASE, wait_s=WAIT, sleep=clock.sleep)


@pytest.mark.parametrize("key", ["a", "x" * 255, "Order #42: {retry} ~ 2"])
def test_a_key_is_1_to_255_printable_ascii_characters(key: str) -> None:
    assert check_key([key]) == key


@pytest.mark.parametrize(
    "values", [[""], ["x" * 256], ["tab\there"], ["nul\x00"], ["caf\u00e9"], ["a", "b"]]
)
def test_other_keys_are_rejected(values: list[str]) -> None:
    with pytest.raises(KeyRejected):
        check_key(values)


def test_record_names_are_subject_tokens_whatever_the_key_and_are_scoped() -> None:
    name = record_name("tenant:t1", "POST /v1/sessions", "a.b *>\udcff")
    assert len(name) == 64 and all(c in "0123456789abcdef" for c in name)
    assert name != record_name("tenant:t2", "POST /v1/sessions", "a.b *>\udcff")
    assert name != record_name("tenant:t1", "POST /v1/reminders", "a.b *>\udcff")


def test_only_answers_about_the_request_itself_are_final() -> None:
    assert [s for s in (200, 201, 202, 400, 404, 413, 422) if not is_final(s)] == []
    assert [s for s in (409, 429, 500, 502, 503, 504) if is_final(s)] == []


NAME = record_name("tenant:t1", "POST /v1/webhooks", "k1").encode()


def _sealed() -> tuple[bytes, bytes]:
    key = sealing_key("wa_secret", "tenant:t1", "POST /v1/webhooks", "k1")
    return key, seal(key, b'{"secret":"whsec_1"}', NAME)


def test_a_sealed_answer_opens_with_the_same_credential_key_and_name() -> None:
    key, sealed = _sealed()
    assert b"whsec_1" not in sealed
    assert open_sealed(key, sealed, NAME) == b'{"secret":"whsec_1"}'
    assert open_sealed(key, seal(key, b"", NAME), NAME) == b""
    assert seal(key, b"same", NAME) != seal(key, b"same", NAME)  # a fresh nonce each time


@pytest.mark.parametrize(
    ("credential", "idempotency_key"), [("wa_other", "k1"), ("wa_secret", "k2")]
)
def test_a_sealed_answer_does_not_open_for_another_credential_or_key(
    credential: str, idempotency_key: str
) -> None:
    _, sealed = _sealed()
    other = sealing_key(credential, "tenant:t1", "POST /v1/webhooks", idempotency_key)
    assert open_sealed(other, sealed, NAME) is None


def test_a_sealed_answer_does_not_open_under_another_record_name() -> None:
    key, sealed = _sealed()
    moved = record_name("tenant:t1", "POST /v1/webhooks", "k2").encode()
    assert open_sealed(key, sealed, moved) is None


@pytest.mark.parametrize("at", [0, 11, 12, -17, -1])  # nonce, ciphertext, tag
def test_an_altered_sealed_answer_does_not_open(at: int) -> None:
    key, sealed = _sealed()
    tampered = bytearray(sealed)
    tampered[at] ^= 1
    assert open_sealed(key, bytes(tampered), NAME) is None


@pytest.mark.parametrize("length", [0, 27, 47])  # of 48: 12 nonce, 20 ciphertext, 16 tag
def test_a_truncated_sealed_answer_does_not_open(length: int) -> None:
    key, sealed = _sealed()
    assert open_sealed(key, sealed[:length], NAME) is None


async def test_the_first_request_claims_and_a_repeat_gets_its_answer(claims: Claims) -> None:
    claim = await claims.begin("n", FP)
    assert isinstance(claim, Claim) and claim.record.state == "running"
    await claims.finish(claim, b"sealed answer")
    assert await claims.begin("n", FP) == b"sealed answer"
    with pytest.raises(KeyReused):
        await claims.begin("n", fingerprint("POST", "/v1/sessions", b'{"name":"b"}'))


async def test_a_concurrent_repeat_waits_for_the_answer(claims: Claims, clock: FakeClock) -> None:
    claim = await claims.begin("n", FP)
    assert isinstance(claim, Claim)
    clock.during_sleep.append(claims.finish(claim, b"answer"))
    assert await claims.begin("n", FP) == b"answer"
    assert clock.slept == 1


async def test_a_repeat_waits_at_most_wait_s_then_is_in_progress(
    claims: Claims, clock: FakeClock
) -> None:
    claims.lease_s = 60.0
    assert isinstance(await claims.begin("n", FP), Claim)
    started = clock.now
    with pytest.raises(InProgress):
        await claims.begin("n", FP)
    assert WAIT <= clock.now - started < WAIT + 0.5


async def test_a_failed_run_leaves_the_key_open_with_its_seed(claims: Claims) -> None:
    first = await claims.begin("n", FP)
    assert isinstance(first, Claim)
    await claims.finish(first, None)  # a 503: nothing kept
    again = await claims.begin("n", FP)
    assert isinstance(again, Claim) and again.seed == first.seed


async def test_an_abandoned_claim_is_taken_over_after_its_lease(
    claims: Claims, clock: FakeClock
) -> None:
    first = await claims.begin("n", FP)  # its gateway dies: never renewed, never finished
    assert isinstance(first, Claim)
    taken = await claims.begin("n", FP)
    assert isinstance(taken, Claim) and taken.seed == first.seed
    assert clock.now - first.record.until >= 0  # only once the lease had run out
    await claims.finish(first, b"late")  # the old run ends after all: its answer is not kept
    await claims.finish(taken, b"kept")
    assert await claims.begin("n", FP) == b"kept"


async def test_a_renewed_claim_is_not_taken_over(claims: Claims, clock: FakeClock) -> None:
    claim = await claims.begin("n", FP)
    assert isinstance(claim, Claim)
    holding = asyncio.create_task(claims.hold(claim))
    for _ in range(3):  # each renewal moves the lease on
        await asyncio.sleep(0)
    assert claim.record.until > clock.now
    holding.cancel()
    await asyncio.gather(holding, return_exceptions=True)
    assert not claim.lost and claim.record.until > clock.now


async def test_a_renewal_whose_acknowledgement_was_lost_still_lets_the_answer_be_kept(
    claims: Claims,
) -> None:
    claim = await claims.begin("n", FP)
    assert isinstance(claim, Claim)
    assert await claims.records.update("n", claim.record, claim.revision)  # written, unheard
    await claims.finish(claim, b"kept")
    assert await claims.begin("n", FP) == b"kept"
