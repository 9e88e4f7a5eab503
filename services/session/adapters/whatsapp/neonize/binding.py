"""Binds a session's handlers to one neonize client: once, before ``connect()``."""

from collections.abc import Callable

from neonize.aioze import events as ev
from neonize.aioze.client import NewAClient
from neonize.events import UndecryptableMessageEv  # not re-exported by neonize.aioze.events

from services.session.adapters.whatsapp.neonize.receiver import QrCode

__all__ = ["HANDLED_EVENTS", "bind_once"]

HANDLED_EVENTS = (
    ev.ConnectedEv,
    ev.DisconnectedEv,
    ev.KeepAliveTimeoutEv,
    ev.KeepAliveRestoredEv,
    ev.LoggedOutEv,
    ev.StreamReplacedEv,
    ev.StreamErrorEv,
    ev.TemporaryBanEv,
    ev.ConnectFailureEv,
    ev.ClientOutdatedEv,
    ev.PairStatusEv,
    ev.MessageEv,
    ev.ReceiptEv,
    ev.HistorySyncEv,
    ev.OfflineSyncPreviewEv,
    ev.OfflineSyncCompletedEv,
    ev.JoinedGroupEv,
    ev.GroupInfoEv,
    UndecryptableMessageEv,
)

Post = Callable[[int, object], None]


def bind_once(client: NewAClient, run: int, post: Post) -> None:
    """neonize runs each handler as its own task; each only enqueues, so order is kept."""
    if getattr(client, "_wa_bound", False):
        raise RuntimeError("handlers are already bound to this neonize client")

    async def on_event(_: NewAClient, event: object) -> None:
        post(run, event)

    async def on_qr(_: NewAClient, data: bytes) -> None:
        post(run, QrCode(code=data.decode()))  # a secret: it goes to on_qr and nowhere else

    for event_type in HANDLED_EVENTS:
        client.event(event_type)(on_event)
    client.qr(on_qr)  # replaces neonize's default, which prints the QR on the terminal
    client._wa_bound = True
