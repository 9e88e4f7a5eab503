"""Connecting to NATS: reconnect forever, and log every change of connection state."""

import nats
from nats.aio.client import Client

from runtime.logging import get_logger

__all__ = ["connect"]

log = get_logger(__name__)


async def connect(url: str, name: str) -> Client:
    async def disconnected() -> None:
        log.warning("nats.disconnected", url=url)

    async def reconnected() -> None:
        log.info("nats.reconnected", url=url)

    async def error(exc: Exception) -> None:
        log.warning("nats.error", error=str(exc))

    return await nats.connect(
        servers=url.split(","),
        name=name,
        max_reconnect_attempts=-1,
        reconnect_time_wait=0.5,
        disconnected_cb=disconnected,
        reconnected_cb=reconnected,
        error_cb=error,
    )
