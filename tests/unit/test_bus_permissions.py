"""The permission table, read as nats-server reads it: who may write what."""

from runtime.memory.subjects import subject_matches as matches
from runtime.nats_auth.permissions import (
    OPERATOR,
    SERVICE_USERS,
    service_permissions,
    subscriber_permissions,
)


def may_publish(user: str, subject: str) -> bool:
    perms = service_permissions(user)
    return perms is None or any(matches(p, subject) for p in perms.publish)


def test_only_the_gateway_writes_api_keys_and_tenants() -> None:
    for subject in (
        "$KV.wa_api_keys.abc",
        "$KV.wa_tenants.t1",
        "$JS.API.STREAM.PURGE.KV_wa_api_keys",
    ):
        writers = {u for u in SERVICE_USERS if u != OPERATOR and may_publish(u, subject)}
        assert writers == {"gateway"}, subject


def test_only_the_publishers_append_their_event_families() -> None:
    owners = {
        "wa.evt.t1.s1.message.received": {"session"},
        "wa.evt.t1.s1.session.connected": {"session"},
        "wa.evt.t1.s1.reminder.sent": {"reminder"},
        "$JS.API.STREAM.UPDATE.WA_EVENTS": {"session", "reminder"},
        "$JS.API.STREAM.DELETE.WA_EVENTS": set(),
    }
    for subject, expected in owners.items():
        writers = {u for u in SERVICE_USERS if u != OPERATOR and may_publish(u, subject)}
        assert writers == expected, subject


def test_a_tenant_subscriber_names_one_consumer_and_its_tenant() -> None:
    perms = subscriber_permissions("sub-1", "t1")
    allowed = perms.publish
    assert any(matches(p, "$JS.API.CONSUMER.CREATE.WA_EVENTS.sub-1.wa.evt.t1.>") for p in allowed)
    assert any(matches(p, "$JS.API.CONSUMER.MSG.NEXT.WA_EVENTS.sub-1") for p in allowed)
    for refused in (
        "$JS.API.CONSUMER.CREATE.WA_EVENTS.sub-1.wa.evt.t2.>",
        "$JS.API.CONSUMER.CREATE.WA_EVENTS.store.wa.evt.t1.>",
        "$JS.API.CONSUMER.CREATE.WA_EVENTS",
        "$JS.API.CONSUMER.DURABLE.CREATE.WA_EVENTS.sub-1",
        "$JS.API.CONSUMER.MSG.NEXT.WA_EVENTS.store",
        "$JS.API.STREAM.INFO.WA_EVENTS",
        "wa.evt.t1.s1.message.received",
        "$KV.wa_api_keys.x",
    ):
        assert not any(matches(p, refused) for p in allowed), refused
    assert perms.subscribe == ("_INBOX_sub-1.>",) and not perms.allow_responses


def test_the_store_uses_its_lease_and_announcements_and_nothing_more() -> None:
    for subject in (
        "$KV.wa_store_projector.projector",
        "$JS.API.STREAM.CREATE.KV_wa_store_projector",
        "$JS.API.STREAM.INFO.KV_wa_store_projector",
        "$JS.API.DIRECT.GET.KV_wa_store_projector.$KV.wa_store_projector.projector",
        "wa.store.position",
    ):
        assert may_publish("store", subject), subject
    for subject in (
        "$JS.API.STREAM.PURGE.KV_wa_store_projector",
        "$JS.API.STREAM.UPDATE.KV_wa_store_projector",
        "$JS.API.STREAM.DELETE.KV_wa_store_projector",
        "$JS.API.CONSUMER.CREATE.KV_wa_store_projector",  # no watching
        "$KV.wa_session_leases.s1",
        "$KV.wa_webhooks_leader.dispatcher",
        "wa.evt.t1.s1.session.created",
        "wa.qry.store",
    ):
        assert not may_publish("store", subject), subject
    perms = service_permissions("store")
    assert perms is not None and "wa.store.position" in perms.subscribe
    writers = {u for u in SERVICE_USERS if u != OPERATOR and may_publish(u, "wa.store.position")}
    assert writers == {"store"}


def test_a_service_answers_its_callers_and_nobody_else() -> None:
    callers = {
        "session": {"gateway", "reminder", OPERATOR},
        "store": {"gateway", "webhooks", OPERATOR},
        "reminder": {"gateway", OPERATOR},
        "webhooks": {"gateway", OPERATOR},
        "gateway": set(),
    }
    for service, expected in callers.items():
        answered = {u for u in SERVICE_USERS if may_publish(service, f"_INBOX_{u}.abc.1")}
        assert answered == expected, service
        assert not may_publish(service, "_INBOX_sub-1.abc.1"), service  # a team's inbox
