"""Any neonize event → the signals it means. Pure; the one entry point the client calls."""

from datetime import datetime, timedelta

from msgspec import Struct
from neonize.proto.Neonize_pb2 import (
    GroupInfoEvent,
    HistorySync,
    JoinedGroup,
    Message,
    Receipt,
    UndecryptableMessage,
)

from services.session.adapters.whatsapp.neonize.connection import connection_signal
from services.session.adapters.whatsapp.neonize.groups_in import group_info_signals, joined_signal
from services.session.adapters.whatsapp.neonize.history import history_signals
from services.session.adapters.whatsapp.neonize.messages import message_signals, receipt_signal
from services.session.adapters.whatsapp.neonize.signals import Signal
from services.session.adapters.whatsapp.neonize.undecryptable import undecryptable_signal

__all__ = ["Context", "translate"]


class Context(Struct, frozen=True, kw_only=True):
    """What the pure translation needs to know about the client's present."""

    now: datetime
    in_offline_sync: bool = False
    late_after: timedelta = timedelta(seconds=60)
    own_jid: str | None = None


def translate(ev: object, ctx: Context) -> list[Signal]:
    match ev:
        case Message():
            return message_signals(
                ev, now=ctx.now, in_offline_sync=ctx.in_offline_sync, late_after=ctx.late_after
            )
        case Receipt():
            receipt = receipt_signal(ev)
            return [receipt] if receipt else []
        case HistorySync():
            return history_signals(ev, own_jid=ctx.own_jid, now=ctx.now)
        case JoinedGroup():
            return [joined_signal(ev, own_jid=ctx.own_jid, now=ctx.now)]
        case GroupInfoEvent():
            return group_info_signals(ev, now=ctx.now)
        case UndecryptableMessage():
            lost = undecryptable_signal(ev, now=ctx.now)
            return [lost] if lost else []
    signal = connection_signal(ev, now=ctx.now)
    return [signal] if signal else []
