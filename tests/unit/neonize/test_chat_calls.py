"""Chat actions against neonize's own types: presence states, number-check answers (with the
LID when the device store knows it), missing pictures, and the LID of our own sends' chats."""

import inspect
from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import Any, TypeVar

from neonize.aioze.client import NewAClient
from neonize.aioze.events import MessageEv
from neonize.proto.Neonize_pb2 import JID, IsOnWhatsAppResponse, MessageInfo, MessageSource
from neonize.proto.waE2E.WAWebProtobufsE2E_pb2 import Message
from neonize.utils.enum import ChatPresence, ChatPresenceMedia, ReceiptType

from contracts.chat_commands import NumberCheck
from services.session.adapters.whatsapp.neonize import chat_calls
from services.session.adapters.whatsapp.neonize import signals as s
from services.session.adapters.whatsapp.neonize.chat_calls import (
    number_checks,
    picture_missing,
    presence_args,
)
from services.session.adapters.whatsapp.neonize.go_maps import GoMaps
from services.session.adapters.whatsapp.neonize.jids import user_jid_str
from services.session.adapters.whatsapp.neonize.translate import Context, translate
from services.session.adapters.whatsapp.port import ContactInfo

T = TypeVar("T")
NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
PHONE = JID(User="201234567890", Server="s.whatsapp.net")
LID = JID(User="98765432109876", Server="lid")
OTHER = JID(User="201555000111", Server="s.whatsapp.net")
PHONE_JID, LID_JID = "201234567890@s.whatsapp.net", "98765432109876@lid"
OWN = JID(User="201000000001", Device=3, Server="s.whatsapp.net")


def test_presence_states_in_whatsmeows_terms() -> None:
    composing, paused = ChatPresence.CHAT_PRESENCE_COMPOSING, ChatPresence.CHAT_PRESENCE_PAUSED
    text, audio = (
        ChatPresenceMedia.CHAT_PRESENCE_MEDIA_TEXT,
        ChatPresenceMedia.CHAT_PRESENCE_MEDIA_AUDIO,
    )
    assert presence_args("composing") == (composing, text)
    assert presence_args("recording") == (composing, audio)
    assert presence_args("paused") == (paused, text)


def test_number_checks_answer_each_input_in_order_with_the_known_lid() -> None:
    responses = [
        IsOnWhatsAppResponse(Query="+201234567890", JID=PHONE, IsIn=True),
        IsOnWhatsAppResponse(Query="+201555000111", JID=OTHER, IsIn=False),
    ]
    lids = {PHONE_JID: LID_JID}
    answers = number_checks(["201555000111", "201234567890", "209"], responses, lids)
    assert answers == [
        NumberCheck(input="201555000111", on_whatsapp=False),
        NumberCheck(input="201234567890", on_whatsapp=True, jid=PHONE_JID, lid=LID_JID),
        NumberCheck(input="209", on_whatsapp=False),
    ]


def test_a_picture_not_set_or_hidden_is_no_picture_not_an_error() -> None:
    assert picture_missing("the user doesn't have a profile picture set: profile picture not set")
    assert picture_missing("failed to get profile picture: 401 not-authorized")
    assert not picture_missing("websocket not connected")


def test_our_own_message_in_a_lid_chat_links_the_recipients_phone() -> None:
    source = MessageSource(Chat=LID, Sender=OWN, RecipientAlt=PHONE, IsFromMe=True, IsGroup=False)
    info = MessageInfo(MessageSource=source, ID="3EB0FF", Timestamp=int(NOW.timestamp() * 1000))
    signals = translate(MessageEv(Info=info, Message=Message(conversation="hi")), Context(now=NOW))
    contacts = [sig.contact for sig in signals if isinstance(sig, s.ContactLearned)]
    assert contacts == [ContactInfo(jid="201234567890@s.whatsapp.net", lid="98765432109876@lid")]


class SignatureCheckedNeonize:
    """Stands in for WhatsApp behind neonize: every call must bind to ``NewAClient``'s own
    signature (what the real one would accept), and is recorded."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, inspect.BoundArguments]] = []

    def __getattr__(self, name: str) -> Any:
        async def call(*args: Any, **kwargs: Any) -> Any:
            bound = inspect.signature(getattr(NewAClient, name)).bind(self, *args, **kwargs)
            self.calls.append((name, bound))
            if name == "is_on_whatsapp":
                return [IsOnWhatsAppResponse(Query="+201234567890", JID=PHONE, IsIn=True)]
            if name == "get_lid_from_pn":
                return LID
            return None

        return call


async def gated(call: Awaitable[T]) -> T:
    """The Go maps' gate, its real ordering aside (``test_go_maps``)."""
    return await GoMaps(grace_s=0).run(call, queue_s=10)


async def test_the_calls_fit_neonizes_signatures() -> None:
    neo = SignatureCheckedNeonize()
    at = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
    await chat_calls.mark_read(
        neo,
        chat_jid=PHONE_JID,
        sender_jid=None,  # type: ignore[arg-type]
        message_ids=["A", "B"],
        read_at=at,
    )
    await chat_calls.send_presence(neo, chat_jid=PHONE_JID, state="recording")  # type: ignore[arg-type]
    checks = await chat_calls.check_numbers(neo, ["201234567890"], gated)  # type: ignore[arg-type]
    assert checks == [
        NumberCheck(input="201234567890", on_whatsapp=True, jid=PHONE_JID, lid=LID_JID)
    ]
    names = [name for name, _ in neo.calls]
    assert names == ["mark_read", "send_chat_presence", "is_on_whatsapp", "get_lid_from_pn"]
    read = neo.calls[0][1].arguments
    assert read["message_ids"] == ("A", "B") and read["timestamp"] == int(at.timestamp())
    assert user_jid_str(read["chat"]) == user_jid_str(read["sender"]) == PHONE_JID
    assert read["receipt"] == ReceiptType.READ
    assert neo.calls[2][1].arguments["numbers"] == ("+201234567890",)
