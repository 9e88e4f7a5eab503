"""The handler of ActOnMessage: react to, edit or revoke a message, queued for the outbox."""

from typing import TYPE_CHECKING

from contracts.commands import Accepted, ActOnMessage, CommandReply, Refused
from contracts.ids import is_valid_id, new_id
from services.session.domain import transitions
from services.session.service_layer.session_runtime import SessionRuntime

if TYPE_CHECKING:
    from services.session.service_layer.owned_sessions import OwnedSessions

__all__ = ["act"]


async def act(core: "OwnedSessions", rt: SessionRuntime, cmd: ActOnMessage) -> CommandReply:
    action_id = cmd.action_id or new_id()
    if not is_valid_id(action_id):
        return Refused(code="invalid_message_id", message="message ids are [A-Za-z0-9_-]{1,64}")
    if rt.state.knows_message(action_id):  # a retried command: nothing new is queued
        return Accepted(session=rt.session, message_id=action_id, status="queued")
    deps = core.deps
    events = transitions.queue_action(
        rt.state,
        action_id=action_id,
        target=cmd.target,
        action=cmd.action,
        now=deps.now(),
        edit_window=deps.edit_window,
    )
    await core.append(rt, events, cmd.correlation_id)
    return Accepted(
        session=rt.session, message_id=action_id, status="queued", sequence=rt.last_sequence
    )
