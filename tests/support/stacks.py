"""The whole stack as processes for one test or module: started, then stopped, and no
permission violation logged on the locked bus meanwhile."""

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from pathlib import Path

from cli.stack import LocalStack

BASE_ENV = {"PATH": "/usr/bin:/bin", "WA_LOG_FORMAT": "json"}


@asynccontextmanager
async def running_stack(
    data_dir: Path, env: Mapping[str, str], *, supervise: bool = False, timeout: float = 30.0
) -> AsyncIterator[LocalStack]:
    local = LocalStack(data_dir, env={**BASE_ENV, **env}, supervise=supervise)
    await local.start(timeout=timeout)
    yield local
    local.stop()
    assert local.permission_violations() == []
