"""One table: what every whatsmeow/neonize event and error means for the session. Pure.

``transient``: retried under the service's reconnect or send policy. ``final``: never retried
automatically (logged out, banned, replaced, outdated client, a send WhatsApp refused).
``ambiguous``: a send that may have left; never retried, since a retry would go out again
under a new WhatsApp id. ``noted``: not a failure (logged, or handled as data).
"""

from typing import Literal

__all__ = [
    "CONNECT_FAILURES",
    "EVENTS",
    "SEND_ERRORS",
    "Outcome",
    "connect_failure_outcome",
    "send_error_outcome",
]

Outcome = Literal["transient", "final", "ambiguous", "noted"]

# Every event type neonize 0.5.2 delivers: neonize.aioze.events.<name>Ev, and
# UndecryptableMessage (only in neonize.events).
EVENTS: dict[str, Outcome] = {
    "Connected": "noted",
    "Disconnected": "transient",
    "KeepAliveTimeout": "noted",  # a drop only once `keepalive_max_misses` are missed in a row
    "KeepAliveRestored": "noted",
    "StreamError": "transient",  # whatsmeow disconnects after it; Disconnected follows
    "ConnectFailure": "transient",  # unless its reason is final: CONNECT_FAILURES
    "LoggedOut": "final",
    "StreamReplaced": "final",
    "TemporaryBan": "final",
    "ClientOutdated": "final",
    "PairStatus": "noted",  # an error after the scan ends the pairing as `cancelled`
    "QR": "noted",
    "Message": "noted",
    "UndecryptableMessage": "noted",  # session's message.undecryptable (whatsmeow asks again)
    "Receipt": "noted",
    "HistorySync": "noted",
    "OfflineSyncPreview": "noted",
    "OfflineSyncCompleted": "noted",
    **dict.fromkeys(
        (
            "BlocklistChange", "Blocklist", "CallAccept", "CallOffer", "CallOfferNotice",
            "CallPreAccept", "CallRelayLatency", "CallTerminate", "CallTransport",
            "ChatPresence", "GroupInfo", "IdentityChange", "JoinedGroup",
            "NewsLetterMessageMeta", "NewsletterJoin", "NewsletterLeave", "NewsletterLiveUpdate",
            "NewsletterMuteChange", "Picture", "Presence", "PrivacySettings", "RotateADVSecret",
            "UnknownCallEvent",
        ),
        "noted",
    ),
}  # fmt: skip

CONNECT_FAILURES: dict[str, Outcome] = {
    "LOGGED_OUT": "final",
    "MAIN_DEVICE_GONE": "final",
    "UNKNOWN_LOGOUT": "final",
    "TEMP_BANNED": "final",
    "CLIENT_OUTDATED": "final",
    "BAD_USER_AGENT": "final",  # WhatsApp refuses this client as built: retrying cannot help
    "GENERIC": "transient",
    "INTERNAL_SERVER_ERROR": "transient",
    "SERVICE_UNAVAILABLE": "transient",
    "EXPERIMENTAL": "transient",
}

# whatsmeow's send errors, matched as lower-case substrings, first match wins.
SEND_ERRORS: tuple[tuple[str, Outcome], ...] = (
    ("timed out waiting for message send response", "ambiguous"),
    ("websocket disconnected before message send returned response", "ambiguous"),
    ("server returned error", "final"),  # WhatsApp answered and refused the message
    ("can't send message to unknown server", "final"),
    ("message recipient must be a user jid with no device part", "final"),
    ("sending to non-status broadcast lists is not yet supported", "final"),
    ("you're not participating in that group", "final"),
    ("that group does not exist", "final"),
    ("not a jid", "final"),
    ("malformed device", "final"),
    ("websocket not connected", "transient"),  # never left: safe to try again
    ("info query timed out", "transient"),  # a device-list lookup before sending
)


def connect_failure_outcome(reason_name: str) -> Outcome:
    """An unknown reason (a newer WhatsApp) is retried under the policy, which is bounded."""
    return CONNECT_FAILURES.get(reason_name, "transient")


def send_error_outcome(error: str) -> Outcome:
    text = error.lower()
    for marker, outcome in SEND_ERRORS:
        if marker in text:
            return outcome
    return "transient"
