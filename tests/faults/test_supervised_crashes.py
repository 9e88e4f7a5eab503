"""A supervised stack (as ``wa up`` runs it) under a mixed load: each service in turn is
SIGKILLed and nobody restarts it; the supervisor does, ``/readyz`` is 200 again by itself,
and nothing accepted is lost or sent twice (the same checks as test_crashes.py).

One stack for the module; each round uses its own connected session."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from nats.aio.client import Client

from cli.stack import SERVICES, LocalStack
from tests.faults.mixed_load import fault_round
from tests.faults.receiver import WebhookReceiver
from tests.faults.support import MIXED_LOAD, connected_session, running
from tests.support.http import Api
from tests.support.waiting import eventually

pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def stack(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[LocalStack]:
    data_dir = Path(tmp_path_factory.mktemp("supervised")) / "var"
    env = {**MIXED_LOAD, "WA_RESTART_BASE_S": "0.2"}
    async with running(data_dir, env, supervise=True) as local:
        yield local


@pytest.mark.parametrize("victim", SERVICES)
async def test_a_sigkilled_service_comes_back_by_itself_losing_and_doubling_nothing(
    stack: LocalStack, nc: Client, api: Api, hooks: WebhookReceiver, victim: str
) -> None:
    assert stack.supervisor is not None
    supervisor = stack.supervisor
    session = await connected_session(api, nc, f"supervised {victim}")
    before = dict(supervisor.restarts)
    killed = stack.procs[victim]

    async def kill_only() -> None:
        stack.kill(victim)  # SIGKILL; the test does not start it again

        async def restarted() -> bool:
            return stack.procs[victim] is not killed and stack.procs[victim].poll() is None

        await eventually(restarted, timeout=30)

    await fault_round(stack, nc, api, session, f"{victim} (supervised)", kill_only, hooks)
    assert supervisor.restarts == {**before, victim: before.get(victim, 0) + 1}
    assert supervisor.given_up() == [] and stack.exited() == []
