"""Connection-level neonize events → signals. Pure: protobuf in, typed values out."""

from datetime import datetime, timedelta

from neonize.proto.Neonize_pb2 import (
    ClientOutdated,
    Connected,
    ConnectFailure,
    ConnectFailureReason,
    Device,
    Disconnected,
    KeepAliveRestored,
    KeepAliveTimeout,
    LoggedOut,
    OfflineSyncCompleted,
    OfflineSyncPreview,
    PairStatus,
    StreamError,
    StreamReplaced,
    TemporaryBan,
)

from services.session.adapters.whatsapp.neonize import signals as s
from services.session.adapters.whatsapp.neonize.jids import jid_str
from services.session.adapters.whatsapp.neonize.outcomes import connect_failure_outcome

__all__ = ["connection_signal", "own_identity"]

KEEPALIVE_MAX_MISSES = 3  # whatsmeow pings every 20-30 s and recovers by itself before this


def _reason_name(reason: int) -> str:
    try:
        return str(ConnectFailureReason.Name(reason))
    except ValueError:
        return f"UNKNOWN_{reason}"


def _ban(ev: TemporaryBan, now: datetime) -> s.LoggedOut:
    code = TemporaryBan.TempBanReason.Name(ev.Code) if ev.HasField("Code") else "UNKNOWN"
    expires = now + timedelta(seconds=ev.Expire)
    detail = f"code={code} expires_at={expires.isoformat()} expires_in_s={ev.Expire}"
    return s.LoggedOut(reason="banned", detail=detail)


def _connect_failure(ev: ConnectFailure) -> s.Signal:
    name = _reason_name(ev.Reason)
    detail = f"reason={name}" + (f" message={ev.Message}" if ev.Message else "")
    if connect_failure_outcome(name) == "transient":
        return s.Dropped(reason="connect_failure", detail=detail)
    if ev.Reason == ConnectFailureReason.TEMP_BANNED:
        return s.LoggedOut(reason="banned", detail=detail)
    if ev.Reason in (ConnectFailureReason.CLIENT_OUTDATED, ConnectFailureReason.BAD_USER_AGENT):
        return s.Dropped(reason="client_outdated", detail=detail)
    return s.LoggedOut(reason="logout", detail=detail)


def _pair(ev: PairStatus) -> s.PairResult:
    if ev.Status == PairStatus.SUCCESS:
        return s.PairResult(ok=True, jid=jid_str(ev.ID))
    return s.PairResult(ok=False, error=ev.Error or "pairing failed")


def connection_signal(
    ev: object, *, now: datetime, keepalive_max_misses: int = KEEPALIVE_MAX_MISSES
) -> s.Signal | None:
    """The meaning of a connection event, or None for an event this module does not cover."""
    match ev:
        case Connected():
            return s.ConnectionUp()
        case Disconnected():
            return s.Dropped(reason="network")
        case KeepAliveTimeout() if ev.ErrorCount >= keepalive_max_misses:
            return s.Dropped(reason="keepalive", detail=f"errors={ev.ErrorCount}")
        case KeepAliveTimeout():
            return s.KeepAliveMissed(errors=ev.ErrorCount)
        case StreamError():
            return s.Dropped(reason="network", detail=f"stream error code={ev.Code}")
        case KeepAliveRestored():
            return s.KeepAliveBack()
        case LoggedOut():
            detail = f"reason={_reason_name(ev.Reason)} on_connect={ev.OnConnect}"
            return s.LoggedOut(reason="logout", detail=detail)
        case StreamReplaced():
            return s.LoggedOut(reason="replaced", detail="another client connected as this device")
        case TemporaryBan():
            return _ban(ev, now)
        case ConnectFailure():
            return _connect_failure(ev)
        case ClientOutdated():
            return s.Dropped(
                reason="client_outdated", detail="WhatsApp refuses this client: upgrade"
            )
        case PairStatus():
            return _pair(ev)
        case OfflineSyncPreview():
            return s.OfflineSyncStarted(pending_messages=ev.Message)
        case OfflineSyncCompleted():
            return s.OfflineSyncEnded(count=ev.Count)
    return None


def own_identity(device: Device) -> tuple[str, str | None] | None:
    """Our own device-suffixed JID and push name, from neonize's ``get_me()``."""
    jid = jid_str(device.JID)
    if jid is None:
        return None
    return jid, (device.PushName or None)
