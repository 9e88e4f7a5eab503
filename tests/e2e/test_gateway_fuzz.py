"""A property-based fuzz of /openapi.json (schemathesis) against the running gateway: no 5xx,
and every status, content type and body conforms to the spec. Bounded: 25 examples per
operation, one worker, a fixed seed. /v1/events is excluded: it streams until the client
leaves, which a request/response fuzzer cannot wait for (tests/integration/gateway covers it)."""

import asyncio
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from cli.stack import LocalStack
from tests.support.http import Api

CHECKS = ",".join(
    (
        "not_a_server_error",
        "status_code_conformance",
        "content_type_conformance",
        "response_schema_conformance",
    )
)
ST = str(Path(sys.executable).parent / "st")


@pytest.fixture
async def stack(tmp_path: Path) -> AsyncIterator[LocalStack]:
    env = {"PATH": "/usr/bin:/bin", "WA_LOG_FORMAT": "json", "WA_LOG_LEVEL": "warning"}
    env["WA_GATEWAY_RATE_PER_S"] = "0"  # the fuzzer is one client sending hundreds of requests
    local = LocalStack(tmp_path / "var", env=env)
    await local.start(timeout=90)
    yield local
    local.stop()


async def schemathesis(url: str, token: str, *options: str) -> tuple[int, str]:
    process = await asyncio.create_subprocess_exec(
        ST, "run", url + "/openapi.json", "--checks", CHECKS, "--max-examples", "25",
        "--seed", "1", "--workers", "1", "--phases", "examples,coverage,fuzzing",
        "--suppress-health-check", "all", "--request-timeout", "10",
        "--generation-database", "none", "--no-color",
        "--header", f"Authorization: Bearer {token}", *options,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    output, _ = await asyncio.wait_for(process.communicate(), timeout=150)
    return process.returncode or 0, output.decode(errors="replace")


async def test_the_spec_holds_against_the_running_gateway(stack: LocalStack) -> None:
    async with aiohttp.ClientSession() as http:
        admin = Api(http, stack.url, stack.admin_token)
        status, tenant = await admin.call("POST", "/v1/tenants", json={"name": "fuzzed"})
        assert status == 201
    code, report = await schemathesis(stack.url, tenant["api_key"], "--exclude-path", "/v1/events")
    assert code == 0, report
    assert "passed" in report and "failures" not in report.split("SUMMARY")[-1], report
    code, report = await schemathesis(
        stack.url, stack.admin_token, "--include-path-regex", "^/v1/tenants"
    )
    assert code == 0, report
    assert stack.exited() == []
