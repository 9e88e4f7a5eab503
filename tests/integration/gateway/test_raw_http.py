"""Requests that are not valid HTTP, sent as raw bytes to a gateway process: each is answered
400, 414 or 431 in the one error shape, and neither the answer nor any log line (each one
JSON) carries the credential the request held."""

import asyncio
import json
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from runtime.settings import Settings
from tests.integration.gateway.raw_http import GatewayProcess
from tests.support.waiting import eventually

ADMIN = "TopSecretAdmin" + secrets.token_hex(16)  # no known prefix: only the handler can hide it
KEY = "wa_" + secrets.token_urlsafe(32)
HEAD = b"Host: t\r\nConnection: close\r\n"


def _bad_requests() -> list[tuple[str, bytes, int, str]]:
    admin, key, pad = ADMIN.encode(), KEY.encode(), b"A" * 9000
    return [
        ("control byte in the key", b"GET /v1/tenants HTTP/1.1\r\n" + HEAD
         + b"Authorization: Bearer " + admin + b"\x01\r\n\r\n", 400, "malformed_request"),
        ("NUL in the key", b"GET /v1/sessions HTTP/1.1\r\n" + HEAD
         + b"Authorization: Bearer " + key + b"\x00x\r\n\r\n", 400, "malformed_request"),
        ("control byte after the key", b"GET /v1/tenants HTTP/1.1\r\n" + HEAD
         + b"Authorization: Bearer " + admin + b"\r\nX-Note: a\x7fb\r\n\r\n",
         400, "malformed_request"),
        ("space before the colon", b"GET /v1/tenants HTTP/1.1\r\n" + HEAD
         + b"Authorization : Bearer " + admin + b"\r\n\r\n", 400, "malformed_request"),
        ("a key in a too long URL", b"GET /v1/tenants?k=" + admin + pad + b" HTTP/1.1\r\n"
         + HEAD + b"\r\n", 414, "uri_too_long"),
        ("a too long Authorization", b"GET /v1/tenants HTTP/1.1\r\n" + HEAD
         + b"Authorization: Bearer " + admin + pad + b"\r\n\r\n", 431, "header_too_large"),
        ("too many headers", b"GET /v1/tenants HTTP/1.1\r\n" + HEAD
         + b"Authorization: Bearer " + admin + b"\r\n"
         + b"".join(b"X-%d: y\r\n" % i for i in range(200)) + b"\r\n", 431, "too_many_headers"),
        ("a key in a bad request line", b"GET /v1/tenants?k=" + admin + b" HTTP/1.1 x\r\n"
         + HEAD + b"\r\n", 400, "malformed_request"),
        ("two Content-Lengths", b"POST /v1/tenants HTTP/1.1\r\n" + HEAD
         + b"Authorization: Bearer " + admin + b"\r\nContent-Length: 2\r\nContent-Length: 3\r\n"
         + b"\r\n{}", 400, "malformed_request"),
        ("a bad chunk size", b"POST /v1/tenants HTTP/1.1\r\n" + HEAD
         + b"Authorization: Bearer " + admin + b"\r\nTransfer-Encoding: chunked\r\n\r\n"
         + b"zz\r\n" + key + b"\r\n0\r\n\r\n", 400, "malformed_request"),
    ]  # fmt: skip


@pytest.fixture
async def gateway(settings: Settings, tmp_path: Path) -> AsyncIterator[GatewayProcess]:
    env = {"WA_ADMIN_TOKEN": ADMIN, "WA_LOG_LEVEL": "debug", "WA_REQUEST_TIMEOUT_S": "1"}
    process = GatewayProcess(settings.nats_url, tmp_path / "gateway.log", env)
    await process.start()
    yield process
    process.stop()


async def test_malformed_requests_get_the_error_shape_and_no_secret_is_logged(
    gateway: GatewayProcess,
) -> None:
    wrong = []
    for name, raw, status, code in _bad_requests():
        answer = await gateway.exchange(raw)
        shaped = answer.headers.get("content-type", "").startswith("application/json")
        error = answer.json()["error"] if shaped else {}
        if (answer.status, error.get("code"), set(error)) != (
            status, code, {"code", "message", "details"}
        ) or ADMIN.encode() in answer.body or KEY.encode() in answer.body:  # fmt: skip
            wrong.append((name, answer.status, answer.body[:200]))
    fine = await gateway.exchange(
        b"GET /v1/tenants HTTP/1.1\r\n" + HEAD + f"Authorization: Bearer {ADMIN}\r\n\r\n".encode()
    )
    assert fine.status == 200, fine
    assert not wrong, wrong
    lines = gateway.log_lines()
    unparsed = [line for line in lines if not _is_json(line)]
    leaked = [line for line in lines if ADMIN.encode() in line or KEY.encode() in line]
    refused = [line for line in lines if b'"gateway.bad_http_request"' in line]
    assert not unparsed and not leaked, (unparsed[:5], leaked[:5])
    assert len(refused) == len(_bad_requests()), lines


def _is_json(line: bytes) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


async def test_a_body_cut_short_is_a_clear_refusal_not_an_unhandled_error(
    gateway: GatewayProcess,
) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", gateway.port)
    writer.write(b"POST /v1/tenants HTTP/1.1\r\n" + HEAD + f"Authorization: Bearer {ADMIN}\r\n"
                 .encode() + b"Content-Length: 50\r\n\r\n" + b'{"name": "cut')  # fmt: skip
    writer.write_eof()
    assert await asyncio.wait_for(reader.read(), timeout=10) == b""  # the gateway hung up
    writer.close()

    async def handled() -> list[str]:  # the request's outcome, once it was counted
        answer = await gateway.exchange(b"GET /metrics HTTP/1.1\r\n" + HEAD + b"\r\n")
        return [
            line
            for line in answer.body.decode().splitlines()
            if line.startswith('wa_http_requests_total{method="POST",route="/v1/tenants"')
        ]

    assert [line.split("status=")[1] for line in await eventually(handled)] == ['"400"} 1.0']
    assert not [line for line in gateway.log_lines() if b"unhandled_error" in line]
