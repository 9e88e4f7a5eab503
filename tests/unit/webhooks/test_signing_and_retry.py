"""Signatures a receiver can check, and the retry policy (a fake random source)."""

import hashlib
import hmac

from services.webhooks.domain.retry import RetryPolicy, succeeded
from services.webhooks.domain.signing import signature, verify

SECRET = "whsec_0123456789abcdef"
BODY = b'{"id":"e1","type":"session.created"}'


def test_the_signature_is_hmac_sha256_of_timestamp_dot_body() -> None:
    expected = hmac.new(SECRET.encode(), b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert signature(SECRET, 1700000000, BODY) == f"t=1700000000,v1={expected}"


def test_verify_accepts_the_real_thing_and_nothing_else() -> None:
    header = signature(SECRET, 1700000000, BODY)
    assert verify(SECRET, header, BODY, now=1700000010)
    assert not verify("whsec_another-secret!!", header, BODY, now=1700000010)
    assert not verify(SECRET, header, BODY + b" ", now=1700000010)
    assert not verify(SECRET, header.replace("t=1700000000", "t=1700000001"), BODY, now=1700000010)
    assert not verify(SECRET, header, BODY, now=1700000000 + 301)  # too old: a replay
    assert not verify(SECRET, "garbage", BODY, now=1700000000)
    assert not verify(SECRET, "t=x,v1=00", BODY, now=1700000000)


def test_backoff_doubles_with_jitter_and_is_capped() -> None:
    policy = RetryPolicy(max_attempts=5, base_s=1.0, cap_s=10.0)
    lows = [policy.delay_after(n, lambda: 0.0) for n in range(1, 7)]
    highs = [policy.delay_after(n, lambda: 1.0) for n in range(1, 7)]
    assert lows == [0.5, 1.0, 2.0, 4.0, 5.0, 5.0]
    assert highs == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]
    assert policy.delay_after(3, lambda: 0.5) == 3.0


def test_attempts_run_out_and_only_2xx_succeeds() -> None:
    policy = RetryPolicy(max_attempts=3, base_s=1.0, cap_s=10.0)
    assert [policy.exhausted(n) for n in (1, 2, 3, 4)] == [False, False, True, True]
    assert succeeded(200) and succeeded(204)
    assert not any(succeeded(code) for code in (None, 199, 301, 404, 500))
