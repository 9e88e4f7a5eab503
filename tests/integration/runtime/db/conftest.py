"""The PostgreSQL database the port suites share (see backends.py)."""

import asyncio
from collections.abc import Iterator

import pytest

from tests.support.postgres import scratch_database


@pytest.fixture(scope="module")
def postgres_url() -> Iterator[str]:
    """One scratch database per test module (making one takes a second or two); each test
    empties it first. Made on a loop of its own: the tests' loops last one test each."""
    loop = asyncio.new_event_loop()
    scratch = scratch_database("wa_kit")
    try:
        yield loop.run_until_complete(scratch.__aenter__())
        loop.run_until_complete(scratch.__aexit__(None, None, None))
    finally:
        loop.close()
