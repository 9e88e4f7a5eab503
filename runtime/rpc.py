"""Request/reply over core NATS: typed servers and clients, errors mapped at the boundary."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import msgspec
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from nats.errors import NoRespondersError
from nats.errors import TimeoutError as NatsTimeout

from contracts.commands import Refused
from runtime.logging import get_logger
from runtime.messaging import BackendUnavailable

__all__ = [
    "BackendUnavailable",
    "ping_subject",
    "refusing_failures",
    "request",
    "serve",
    "serve_decoded",
    "serve_ping",
    "serve_typed",
]

log = get_logger(__name__)

Handler = Callable[[bytes], Awaitable[bytes]]
_encoder = msgspec.json.Encoder()
# What a typed handler that raised answers: every reply union holds ``Refused`` (a 500).
_FAILED = _encoder.encode(
    Refused(code="internal", message="the service failed on this request; its log says why")
)


def refusing_failures(subject: str, handler: Handler) -> Handler:
    """``handler``, answering ``Refused`` ``internal`` at once when it raises: its asker
    knows at once instead of waiting out its timeout (``serve`` itself sends no answer)."""

    async def answered(data: bytes) -> bytes:
        try:
            return await handler(data)
        except Exception:
            log.exception("rpc.handler_failed", subject=subject)
            return _FAILED

    return answered


async def serve(
    nc: Client, subject: str, handler: Handler, *, queue: str, concurrency: int = 64
) -> Subscription:
    """Answer requests on ``subject``, each in its own task, ``concurrency`` at most at once."""
    slots = asyncio.Semaphore(concurrency)
    tasks: set[asyncio.Task[None]] = set()

    async def answer(msg: Msg) -> None:
        connection = nc.stats["reconnects"]  # the server session the request came on
        async with slots:
            try:
                reply = await handler(msg.data)
            except Exception:
                log.exception("rpc.handler_failed", subject=msg.subject)
                return
            if not msg.reply:
                return
            if nc.stats["reconnects"] != connection:
                # Asked before a reconnect: the server no longer holds the request for us, so
                # a locked bus refuses the reply (a permissions violation) and the asker has
                # timed out or asks again. Nothing is lost by not sending it.
                log.info("rpc.reply_dropped_after_reconnect", subject=msg.subject)
                return
            await msg.respond(reply)

    async def on_message(msg: Msg) -> None:
        task = asyncio.create_task(answer(msg))
        tasks.add(task)
        task.add_done_callback(tasks.discard)

    sub = await nc.subscribe(subject, queue=queue, cb=on_message)
    await nc.flush()  # the server knows the subscription before we say we are ready
    return sub


async def request(nc: Client, subject: str, data: bytes, *, timeout: float) -> bytes:
    try:
        msg = await nc.request(subject, data, timeout=timeout)
    except (NatsTimeout, NoRespondersError) as exc:
        raise BackendUnavailable(f"no answer on {subject}") from exc
    return msg.data


R = TypeVar("R")


async def serve_decoded(
    nc: Client,
    subject: str,
    kind: Any,
    handle: Callable[[R], Awaitable[bytes]],
    *,
    queue: str,
    malformed: str,
    invalid: str | None = None,
) -> Subscription:
    """Decode each request into ``kind`` (a tagged union) at the edge; ``handle`` answers
    with the reply's bytes, already encoded.

    A body that is not JSON is refused with code ``malformed``; JSON of the wrong shape with
    ``invalid`` (the same code unless given). Nothing reaches ``handle`` undecoded.
    """
    decoder: msgspec.json.Decoder[R] = msgspec.json.Decoder(kind)

    async def on_request(data: bytes) -> bytes:
        try:
            value = decoder.decode(data)
        except msgspec.ValidationError as exc:
            return _encoder.encode(Refused(code=invalid or malformed, message=str(exc)))
        except msgspec.DecodeError as exc:
            return _encoder.encode(Refused(code=malformed, message=str(exc)))
        return await handle(value)

    return await serve(nc, subject, refusing_failures(subject, on_request), queue=queue)


async def serve_typed(
    nc: Client,
    subject: str,
    kind: Any,
    handle: Callable[[R], Awaitable[Any]],
    *,
    queue: str,
    malformed: str,
    invalid: str | None = None,
) -> Subscription:
    """As ``serve_decoded``, ``handle`` answering with a value that is encoded here."""

    async def encoded(value: R) -> bytes:
        return _encoder.encode(await handle(value))

    return await serve_decoded(
        nc, subject, kind, encoded, queue=queue, malformed=malformed, invalid=invalid
    )


def ping_subject(service: str) -> str:
    return f"wa.ping.{service}"


async def serve_ping(nc: Client, service: str) -> Subscription:
    """Answer readiness probes: a service calls this once it can do its work."""

    async def pong(_: bytes) -> bytes:
        return b"pong"

    return await serve(nc, ping_subject(service), pong, queue=f"ping-{service}")
