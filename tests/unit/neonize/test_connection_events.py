"""Connection events, built as neonize's own protobuf objects, translate to the right signals."""

from datetime import UTC, datetime

from neonize.aioze.events import (
    ClientOutdatedEv,
    ConnectedEv,
    ConnectFailureEv,
    DisconnectedEv,
    KeepAliveRestoredEv,
    KeepAliveTimeoutEv,
    LoggedOutEv,
    OfflineSyncCompletedEv,
    OfflineSyncPreviewEv,
    PairStatusEv,
    StreamReplacedEv,
    TemporaryBanEv,
)
from neonize.proto.Neonize_pb2 import JID, ConnectFailureReason, Device

from services.session.adapters.whatsapp.neonize import signals as s
from services.session.adapters.whatsapp.neonize.connection import own_identity
from services.session.adapters.whatsapp.neonize.translate import Context, translate

NOW = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)
CTX = Context(now=NOW)


def one(ev: object) -> s.Signal:
    signals = translate(ev, CTX)
    assert len(signals) == 1, signals
    return signals[0]


def test_connected_asks_for_identity() -> None:
    assert one(ConnectedEv(status=True)) == s.ConnectionUp()


def test_own_identity_is_the_device_suffixed_jid_and_push_name() -> None:
    device = Device(
        JID=JID(User="201234567890", Device=12, Server="s.whatsapp.net"), PushName="Sales"
    )
    assert own_identity(device) == ("201234567890:12@s.whatsapp.net", "Sales")
    assert own_identity(Device(JID=JID(IsEmpty=True))) is None


def test_disconnected_is_a_network_drop() -> None:
    assert one(DisconnectedEv(status=True)) == s.Dropped(reason="network")


def test_keepalive_timeout_is_a_keepalive_drop_at_the_threshold_and_restored_is_noted() -> None:
    assert one(KeepAliveTimeoutEv(ErrorCount=1, LastSuccess=1_700_000_000)) == s.KeepAliveMissed(
        errors=1
    )
    dropped = one(KeepAliveTimeoutEv(ErrorCount=3, LastSuccess=1_700_000_000))
    assert isinstance(dropped, s.Dropped) and dropped.reason == "keepalive"
    assert one(KeepAliveRestoredEv()) == s.KeepAliveBack()


def test_logged_out_from_the_phone_carries_its_reason() -> None:
    signal = one(LoggedOutEv(OnConnect=False, Reason=ConnectFailureReason.LOGGED_OUT))
    assert signal == s.LoggedOut(reason="logout", detail="reason=LOGGED_OUT on_connect=False")


def test_replaced_stream_is_a_replaced_logout() -> None:
    signal = one(StreamReplacedEv())
    assert isinstance(signal, s.LoggedOut) and signal.reason == "replaced"


def test_temporary_ban_carries_code_and_expiry() -> None:
    ban = TemporaryBanEv(Code=TemporaryBanEv.SEND_TO_TOO_MANY_PEOPLE, Expire=3600)
    signal = one(ban)
    assert isinstance(signal, s.LoggedOut) and signal.reason == "banned"
    assert signal.detail == (
        "code=SEND_TO_TOO_MANY_PEOPLE expires_at=2026-11-21T10:00:00+00:00 expires_in_s=3600"
    )


def test_connect_failure_for_a_logged_out_device_is_a_logout() -> None:
    for reason in ("LOGGED_OUT", "MAIN_DEVICE_GONE", "UNKNOWN_LOGOUT"):
        ev = ConnectFailureEv(Reason=ConnectFailureReason.Value(reason), Message="bye")
        assert one(ev) == s.LoggedOut(reason="logout", detail=f"reason={reason} message=bye")


def test_connect_failure_for_a_ban_is_banned() -> None:
    signal = one(ConnectFailureEv(Reason=ConnectFailureReason.TEMP_BANNED))
    assert isinstance(signal, s.LoggedOut) and signal.reason == "banned"


def test_other_connect_failures_are_drops_for_the_policy() -> None:
    for reason in ("GENERIC", "SERVICE_UNAVAILABLE", "INTERNAL_SERVER_ERROR", "EXPERIMENTAL"):
        ev = ConnectFailureEv(Reason=ConnectFailureReason.Value(reason))
        assert one(ev) == s.Dropped(reason="connect_failure", detail=f"reason={reason}")
    outdated = one(ClientOutdatedEv())
    assert isinstance(outdated, s.Dropped) and outdated.reason == "client_outdated"


def test_pair_status_success_and_error() -> None:
    jid = JID(User="201234567890", Device=3, Server="s.whatsapp.net")
    ok = one(PairStatusEv(ID=jid, Status=PairStatusEv.SUCCESS))
    assert ok == s.PairResult(ok=True, jid="201234567890:3@s.whatsapp.net")
    failed = one(PairStatusEv(Status=PairStatusEv.ERROR, Error="pairing rejected"))
    assert failed == s.PairResult(ok=False, error="pairing rejected")


def test_offline_sync_brackets() -> None:
    assert one(OfflineSyncPreviewEv(Total=9, Message=4)) == s.OfflineSyncStarted(pending_messages=4)
    assert one(OfflineSyncCompletedEv(Count=9)) == s.OfflineSyncEnded(count=9)


def test_an_event_outside_the_mapping_means_nothing() -> None:
    from neonize.aioze.events import PresenceEv

    assert translate(PresenceEv(), CTX) == []
