"""JIDs between neonize's ``JID`` protobuf and the strings the port speaks. Pure."""

from neonize.proto.Neonize_pb2 import JID

__all__ = ["LID_SERVER", "USER_SERVER", "is_empty", "jid_from_str", "jid_str", "user_jid_str"]

USER_SERVER = "s.whatsapp.net"
LID_SERVER = "lid"


def is_empty(jid: JID) -> bool:
    return bool(jid.IsEmpty) or (not jid.User and not jid.Server)


def jid_str(jid: JID) -> str | None:
    """The full JID, device suffix included (``2012…:12@s.whatsapp.net``); None when empty."""
    if is_empty(jid):
        return None
    if not jid.User:
        return str(jid.Server)
    if jid.RawAgent:
        return f"{jid.User}.{jid.RawAgent}:{jid.Device}@{jid.Server}"
    if jid.Device:
        return f"{jid.User}:{jid.Device}@{jid.Server}"
    return f"{jid.User}@{jid.Server}"


def user_jid_str(jid: JID) -> str | None:
    """The JID of the person or chat, without agent or device (``2012…@s.whatsapp.net``)."""
    if is_empty(jid):
        return None
    if not jid.User:
        return str(jid.Server)
    return f"{jid.User}@{jid.Server}"


def jid_from_str(text: str) -> JID:
    """Build a JID from ``user[.agent][:device]@server``; raises ValueError on anything else."""
    user, at, server = text.partition("@")
    if not at or not user or not server or "@" in server:
        raise ValueError(f"{text!r} is not a JID")
    user, _, device_text = user.partition(":")
    user, _, agent_text = user.partition(".")
    if (device_text and not device_text.isdigit()) or (agent_text and not agent_text.isdigit()):
        raise ValueError(f"{text!r} has a malformed device or agent part")
    return JID(
        User=user,
        Server=server,
        Device=int(device_text or 0),
        RawAgent=int(agent_text or 0),
        Integrator=0,
        IsEmpty=False,
    )
