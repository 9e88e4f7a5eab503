"""The connectivity gate: what the reminder service knows of each session, from its events only.

Each state carries the log sequence of the event it came from, so instances replaying the log
at different speeds never move a session back in time."""

from dataclasses import dataclass

from contracts.events import (
    Event,
    SessionConnected,
    SessionCreated,
    SessionDeleted,
    SessionDisconnected,
    SessionLoggedOut,
)

__all__ = ["GateState", "gate_after", "newer"]


@dataclass(frozen=True, kw_only=True)
class GateState:
    tenant: str
    session: str
    connected: bool = False
    deleted: bool = False
    sequence: int = 0


def gate_after(event: Event, *, tenant: str, session: str, sequence: int) -> GateState | None:
    """The session's state once ``event`` (at ``sequence``) is applied; None: not a gate event."""
    match event:
        case SessionCreated() | SessionDisconnected() | SessionLoggedOut():
            connected, deleted = False, False
        case SessionConnected():
            connected, deleted = True, False
        case SessionDeleted():
            connected, deleted = False, True
        case _:
            return None
    return GateState(tenant=tenant, session=session, connected=connected, deleted=deleted,
                     sequence=sequence)  # fmt: skip


def newer(stored: GateState | None, state: GateState) -> bool:
    """``state`` replaces ``stored`` only if it comes from a later event of the log."""
    return stored is None or stored.sequence < state.sequence
