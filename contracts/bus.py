"""Tenant-scoped NATS credentials for other teams' subscribers.

A credential is a NATS user that may read only ``wa.evt.<tenant>.>``, through one consumer
of the ``WA_EVENTS`` stream named after the user (durable, or deleted when done), with its
replies under ``_INBOX_<user>``. The gateway issues and revokes them; each NATS server's user
list follows the ``wa_bus_users`` KV bucket, whose values are ``BusCredential`` records (a
bcrypt hash, never the password).
"""

from datetime import datetime

from msgspec import Struct

__all__ = ["BUS_USERS_BUCKET", "BUS_USER_PREFIX", "BusCredential", "bus_user_name"]

BUS_USERS_BUCKET = "wa_bus_users"
BUS_USER_PREFIX = "sub-"


def bus_user_name(credential_id: str) -> str:
    """The NATS user (and its one consumer's name) of a credential."""
    return f"{BUS_USER_PREFIX}{credential_id}"


class BusCredential(Struct, frozen=True, kw_only=True):
    id: str
    tenant: str
    user: str
    name: str
    password_hash: str
    created_at: datetime
