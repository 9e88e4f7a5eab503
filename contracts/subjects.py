"""Every NATS subject name of the platform, built here and nowhere else.

Events: ``wa.evt.<tenant>.<session>.<family>.<name>`` (the event type has one dot),
so ``wa.evt.*.<session>.>`` is one session and ``wa.evt.*.*.message.>`` all messages.
"""

__all__ = [
    "EVENTS_STREAM",
    "EVENT_SUBJECTS",
    "QUERY_PREFIX",
    "STORE_POSITION_SUBJECT",
    "event_filter",
    "event_subject",
    "instance_command_subject",
    "live_subject",
    "parse_event_subject",
    "query_subject",
    "reminder_command_subject",
    "session_command_subject",
    "sim_subject",
    "tenant_filter",
    "webhooks_subject",
]

EVENTS_STREAM = "WA_EVENTS"
EVENT_SUBJECTS = "wa.evt.>"
QUERY_PREFIX = "wa.qry"
# The projecting store replica announces each committed position here (a hint: readers
# read the position itself from the database).
STORE_POSITION_SUBJECT = "wa.store.position"


def event_subject(tenant: str, session: str, event_type: str) -> str:
    return f"wa.evt.{tenant}.{session}.{event_type}"


def event_filter(tenant: str = "*", session: str = "*", event_type: str = ">") -> str:
    """A subject filter; ``event_type`` may be ``>``, ``message.>`` or a full type."""
    return f"wa.evt.{tenant}.{session}.{event_type}"


def tenant_filter(tenant: str) -> str:
    """Every event of one tenant: what a tenant-scoped bus credential may read."""
    return f"wa.evt.{tenant}.>"


def parse_event_subject(subject: str) -> tuple[str, str, str]:
    """(tenant, session, event type) of an event subject."""
    parts = subject.split(".")
    if len(parts) != 6 or parts[:2] != ["wa", "evt"]:
        raise ValueError(f"not an event subject: {subject!r}")
    return parts[2], parts[3], f"{parts[4]}.{parts[5]}"


def session_command_subject(tenant: str, session: str) -> str:
    return f"wa.cmd.session.{tenant}.{session}"


def reminder_command_subject(tenant: str) -> str:
    """Commands of ``contracts.reminders`` for one tenant."""
    return f"wa.cmd.reminder.{tenant}"


def instance_command_subject(instance: str, tenant: str, session: str) -> str:
    """Commands forwarded to the session-service instance that holds the session's lease."""
    return f"wa.cmd.instance.{instance}.{tenant}.{session}"


def query_subject(service: str) -> str:
    return f"{QUERY_PREFIX}.{service}"


def live_subject(tenant: str, session: str, kind: str) -> str:
    """Core NATS (not persisted): short-lived things such as QR codes."""
    return f"wa.live.{tenant}.{session}.{kind}"


def webhooks_subject() -> str:
    """Requests of ``contracts.webhooks`` (registration, delivery log, redelivery)."""
    return "wa.webhooks"


def sim_subject(verb: str) -> str:
    """The simulator's control subjects, so tests in any language can drive it."""
    return f"wa.sim.{verb}"
