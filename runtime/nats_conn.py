"""Connecting to NATS: reconnect forever, and log every change of connection state."""

from pathlib import Path

import nats
from nats.aio.client import Client

from runtime.logging import get_logger
from runtime.nats_auth.credentials import Credentials, credentials_dir, read_credentials
from runtime.settings import Settings

__all__ = ["client_credentials", "connect"]

log = get_logger(__name__)


def client_credentials(settings: Settings, user: str) -> Credentials | None:
    """Explicit user and password, else a credentials file, else ``<data_dir>/credentials/
    <user>.json`` (what ``wa up`` makes); None: connect anonymously (a server without auth)."""
    if settings.nats_user:
        return Credentials(user=settings.nats_user, password=settings.nats_password)
    if settings.nats_credentials_file:
        return read_credentials(Path(settings.nats_credentials_file))
    default = credentials_dir(settings.data_dir) / f"{user}.json"
    return read_credentials(default) if default.exists() else None


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
