"""A message's sender becomes a contact in one place, the sink (``sender_contact``), for
every client; the neonize adapter no longer derives it a second time, and the sink does not
import the lifecycle that makes it."""

import ast
from datetime import UTC, datetime
from pathlib import Path

from contracts.conversation import React
from services.session.adapters.whatsapp.port import ContactInfo, IncomingMessage
from services.session.service_layer.sink import sender_contact

PHONE, LID = "201234567890@s.whatsapp.net", "98765432109876@lid"
SERVICE_LAYER = Path(__file__).parents[3] / "services" / "session" / "service_layer"


def message(**kw: object) -> IncomingMessage:
    fields: dict[str, object] = {
        "message_id": "M1", "chat_jid": PHONE, "sender_jid": PHONE,
        "sent_at": datetime(2026, 1, 1, tzinfo=UTC), **kw,
    }  # fmt: skip
    return IncomingMessage(**fields)  # type: ignore[arg-type]


def test_a_named_sender_or_one_with_both_addresses_is_a_contact() -> None:
    named = message(push_name="Mona")
    assert sender_contact(named) == ContactInfo(jid=PHONE, push_name="Mona")
    linked = message(sender_jid=LID, sender_phone_jid=PHONE, sender_lid=LID)
    assert sender_contact(linked) == ContactInfo(jid=PHONE, lid=LID)


def test_one_address_and_no_name_teaches_nothing() -> None:
    """Before, an LID-only sender became a contact whose JID was its own LID."""
    assert sender_contact(message()) is None
    assert sender_contact(message(sender_jid=LID, sender_lid=LID)) is None
    assert sender_contact(message(sender_jid=LID, sender_lid=LID, push_name="Omar")) == (
        ContactInfo(jid=LID, lid=LID, push_name="Omar")
    )


def test_our_own_message_teaches_no_sender() -> None:
    assert sender_contact(message(from_me=True, push_name="Me")) is None


def test_an_action_teaches_its_sender_too() -> None:
    """Reactions, edits and revokes used to be learned only by the neonize adapter."""
    acted = message(push_name="Mona", target_id="M0", action=React(emoji="👍"))
    assert sender_contact(acted) == ContactInfo(jid=PHONE, push_name="Mona")


def _imports(module: Path) -> set[str]:
    """Every module ``module`` imports, at its top or inside a function."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(module.read_text())):
        if isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_the_sink_does_not_import_the_lifecycle() -> None:
    lifecycle = "services.session.service_layer.lifecycle"
    assert lifecycle not in _imports(SERVICE_LAYER / "sink.py")
    assert lifecycle not in _imports(SERVICE_LAYER / "lifecycle_port.py")
    assert "services.session.service_layer.sink" in _imports(SERVICE_LAYER / "lifecycle.py")
