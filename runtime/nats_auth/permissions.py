"""Least-privilege NATS permissions: one set per service, the operator's, and a tenant
subscriber's (read only ``wa.evt.<tenant>.>`` through one consumer of its own)."""

import msgspec

from contracts.bus import BUS_USERS_BUCKET
from contracts.media import MEDIA_BUCKET, USAGE_BUCKET
from contracts.subjects import EVENTS_STREAM, STORE_POSITION_SUBJECT, tenant_filter

__all__ = [
    "AGENT",
    "BUS_USERS_BUCKET",
    "OPERATOR",
    "SERVICE_USERS",
    "Permissions",
    "inbox_prefix",
    "owns_stream",
    "service_permissions",
    "subscriber_permissions",
]

OPERATOR = "operator"  # the `wa` tools (events, sim, store): every subject
AGENT = "bus-agent"  # renders the server's user list from BUS_USERS_BUCKET
SERVICE_USERS = ("session", "store", "reminder", "webhooks", "gateway", AGENT, OPERATOR)


class Permissions(msgspec.Struct, frozen=True, kw_only=True):
    publish: tuple[str, ...]
    subscribe: tuple[str, ...]
    allow_responses: bool = False  # may answer requests it received (on their reply subject)


def inbox_prefix(user: str) -> str:
    """Each user's replies arrive under its own prefix, so nobody reads another's replies."""
    return f"_INBOX_{user}"


def owns_stream(user: str) -> bool:
    """Whether the user creates the events stream and sets its settings: its publishers."""
    return user in ("session", "reminder", OPERATOR)


def _stream_reader(stream: str) -> list[str]:
    return [
        f"$JS.API.STREAM.INFO.{stream}",
        f"$JS.API.STREAM.MSG.GET.{stream}",
        f"$JS.API.DIRECT.GET.{stream}",
        f"$JS.API.DIRECT.GET.{stream}.>",
        f"$JS.API.CONSUMER.*.{stream}",
        f"$JS.API.CONSUMER.*.{stream}.>",
        f"$JS.API.CONSUMER.DURABLE.CREATE.{stream}.*",
        f"$JS.API.CONSUMER.MSG.NEXT.{stream}.*",
        f"$JS.ACK.{stream}.>",
        f"$JS.ACK.*.*.{stream}.>",
        f"$JS.FC.{stream}.>",
    ]


def _stream_owner(stream: str) -> list[str]:
    return [
        *_stream_reader(stream),
        f"$JS.API.STREAM.CREATE.{stream}",
        f"$JS.API.STREAM.UPDATE.{stream}",
    ]


def _kv_owner(bucket: str) -> list[str]:
    stream = f"KV_{bucket}"
    return [*_stream_owner(stream), f"$KV.{bucket}.>", f"$JS.API.STREAM.PURGE.{stream}"]


def _kv_lease(bucket: str) -> list[str]:
    """A lease in a bucket: create it, read, create/update/delete keys; no watch, no purge."""
    stream = f"KV_{bucket}"
    return [
        f"$JS.API.STREAM.CREATE.{stream}",
        f"$JS.API.STREAM.INFO.{stream}",
        f"$JS.API.STREAM.MSG.GET.{stream}",
        f"$JS.API.DIRECT.GET.{stream}",
        f"$JS.API.DIRECT.GET.{stream}.>",
        f"$KV.{bucket}.>",
    ]


def _object_store_owner(bucket: str) -> list[str]:
    stream = f"OBJ_{bucket}"
    return [*_stream_owner(stream), f"$O.{bucket}.>", f"$JS.API.STREAM.PURGE.{stream}"]


def _events(tenant: str, *families: str) -> list[str]:
    return [f"wa.evt.{tenant}.*.{family}.*" for family in families]


_COMMON = ["$JS.API.INFO", *_stream_reader(EVENTS_STREAM)]
_EVENTS_OWNER = [f"$JS.API.STREAM.CREATE.{EVENTS_STREAM}", f"$JS.API.STREAM.UPDATE.{EVENTS_STREAM}"]

_SERVICES: dict[str, tuple[list[str], list[str]]] = {
    # name: (publish, subscribe) beyond the common part and the user's own inbox
    "session": (
        [
            *_EVENTS_OWNER,
            *_events("*", "session", "message", "contact", "group", "chat"),
            *_kv_owner("wa_session_leases"),
            *_kv_owner("wa_session_tenant_locks"),
            *_kv_owner("wa_session_pending_media"),  # fetch handles: secrets, ours alone
            *_object_store_owner(MEDIA_BUCKET),  # sends uploads, stores received files
            *_kv_owner(USAGE_BUCKET),  # counts received files against the quota
            "wa.live.>",
            "wa.cmd.instance.>",
            "wa.sim.>",
        ],
        ["wa.cmd.session.>", "wa.cmd.instance.>", "wa.sim.>", "wa.ping.session"],
    ),
    "store": (
        # the projector's lease; its position announced to the other replicas
        [*_kv_lease("wa_store_projector"), STORE_POSITION_SUBJECT],
        ["wa.qry.store", "wa.ping.store", STORE_POSITION_SUBJECT],
    ),
    "reminder": (
        [
            *_EVENTS_OWNER,
            *_events("*", "reminder", "appointment"),
            *_kv_owner("wa_reminder_leases"),
            "wa.cmd.session.>",
        ],
        ["wa.cmd.reminder.>", "wa.ping.reminder"],
    ),
    "webhooks": (
        [*_kv_owner("wa_webhooks_leader"), "wa.qry.>"],
        ["wa.webhooks", "wa.ping.webhooks"],
    ),
    "gateway": (
        [
            *_kv_owner("wa_tenants"),
            *_kv_owner("wa_api_keys"),
            *_kv_owner("wa_idempotency"),
            *_kv_owner(BUS_USERS_BUCKET),
            *_object_store_owner(MEDIA_BUCKET),  # takes uploads, serves files
            *_kv_owner(USAGE_BUCKET),  # counts uploads against the quota, recounts
            "wa.cmd.session.>",
            "wa.cmd.reminder.>",
            "wa.qry.>",
            "wa.webhooks",
            "wa.ping.*",
        ],
        ["wa.live.>"],
    ),
    AGENT: ([*_kv_owner(BUS_USERS_BUCKET)], []),
}


# Who sends requests to whom. A service answers on its callers' inboxes, named here: a
# server that reloads its users (a credential issued or revoked) forgets which requests it
# delivered, so ``allow_responses`` alone would refuse the answer to a request in flight.
_CALLERS: dict[str, tuple[str, ...]] = {
    "session": ("gateway", "reminder", OPERATOR),
    "store": ("gateway", "webhooks", OPERATOR),
    "reminder": ("gateway", OPERATOR),
    "webhooks": ("gateway", OPERATOR),
}


def service_permissions(user: str) -> Permissions | None:
    """A service's permissions; None for the operator, who may use every subject."""
    if user == OPERATOR:
        return None
    publish, subscribe = _SERVICES[user]
    answers = [inbox_prefix(caller) + ".>" for caller in _CALLERS.get(user, ())]
    return Permissions(
        publish=(*_COMMON, *publish, *answers),
        subscribe=(inbox_prefix(user) + ".>", *subscribe),
        allow_responses=True,
    )


def subscriber_permissions(user: str, tenant: str) -> Permissions:
    """Another team's reader: one consumer named ``user`` on the event stream, filtered to
    the tenant's events (the server checks the create subject's filter against the body)."""
    stream = EVENTS_STREAM
    return Permissions(
        publish=(
            f"$JS.API.CONSUMER.CREATE.{stream}.{user}.{tenant_filter(tenant)}",
            f"$JS.API.CONSUMER.INFO.{stream}.{user}",
            f"$JS.API.CONSUMER.DELETE.{stream}.{user}",
            f"$JS.API.CONSUMER.MSG.NEXT.{stream}.{user}",
            f"$JS.ACK.{stream}.{user}.>",
            f"$JS.ACK.*.*.{stream}.{user}.>",
        ),
        subscribe=(inbox_prefix(user) + ".>",),
    )
