"""Simulator verbs for chats and contacts: ``numbers``, ``picture``, ``chat-actions``."""

from collections.abc import Awaitable, Callable
from typing import Any

from contracts.simulator import SimReply
from contracts.simulator_chats import SimChatActions, SimChatActionsReply, SimNumbers, SimPicture
from services.session.adapters.whatsapp.simulator.chats import SimChatServer

__all__ = ["chat_routes"]

Route = tuple[type[Any], Callable[[Any], Awaitable[Any]]]


def chat_routes(chats: SimChatServer) -> dict[str, Route]:
    async def numbers(req: SimNumbers) -> SimReply:
        chats.set_numbers(req.session, req.numbers, req.on_whatsapp)
        return SimReply(ok=True)

    async def picture(req: SimPicture) -> SimReply:
        chats.set_picture(req.session, req.jid, req.data)
        return SimReply(ok=True)

    async def actions(req: SimChatActions) -> SimChatActionsReply:
        return SimChatActionsReply(actions=chats.actions(req.session))

    return {
        "numbers": (SimNumbers, numbers),
        "picture": (SimPicture, picture),
        "chat-actions": (SimChatActions, actions),
    }
