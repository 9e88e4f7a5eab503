"""Connecting to NATS: reconnect forever, and log every change of connection state."""

import nats
from nats.aio.client import Client

from runtime.logging import get_logger
from runtime.nats_auth.credentials import Credentials, client_credentials

__all__ = ["client_credentials", "connect"]

log = get_logger(__name__)


async def connect(url: str, name: str, credentials: Credentials | None = None) -> Client:
    async def disconnected() -> None:
        log.warning("nats.disconnected", url=url)

    async def reconnected() -> None:
        log.info("nats.reconnected", url=url)

    async def error(exc: Exception) -> None:
        log.warning("nats.error", error=str(exc))

    auth: dict[str, str] = {}
    if credentials is not None:
        auth = {
            "user": credentials.user,
            "password": credentials.password,
            "inbox_prefix": credentials.inbox_prefix,
        }
    return await nats.connect(
        servers=url.split(","),
        name=name,
        **auth,
        max_reconnect_attempts=-1,
        reconnect_time_wait=0.5,
        disconnected_cb=disconnected,
        reconnected_cb=reconnected,
        error_cb=error,
    )
