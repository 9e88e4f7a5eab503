"""``wa sim numbers | picture | chat-actions``: the simulator's chats and contacts verbs."""

import argparse
from pathlib import Path
from typing import Any

from contracts.simulator_chats import SimChatActions, SimNumber, SimNumbers, SimPicture

__all__ = ["build_chat_request", "register_chat_verbs"]


def register_chat_verbs(verbs: Any) -> None:
    numbers = verbs.add_parser("numbers", help="numbers that are on WhatsApp for number checks")
    numbers.add_argument("session")
    numbers.add_argument("phones", nargs="+", help="PHONE or PHONE=LID (…@lid)")
    numbers.add_argument("--remove", action="store_true", help="they are no longer on WhatsApp")
    picture = verbs.add_parser("picture", help="set (or --remove) a profile picture")
    picture.add_argument("session")
    picture.add_argument("jid")
    picture.add_argument("--file", type=Path)
    picture.add_argument("--remove", action="store_true")
    actions = verbs.add_parser("chat-actions", help="read receipts, presence, lookups (JSON)")
    actions.add_argument("session")


def _number(text: str) -> SimNumber:
    phone, _, lid = text.partition("=")
    return SimNumber(phone=phone, lid=lid or None)


def build_chat_request(args: argparse.Namespace) -> Any | None:
    match args.verb:
        case "numbers":
            numbers = [_number(p) for p in args.phones]
            return SimNumbers(session=args.session, numbers=numbers, on_whatsapp=not args.remove)
        case "picture":
            data = None if args.remove or args.file is None else args.file.read_bytes()
            return SimPicture(session=args.session, jid=args.jid, data=data)
        case "chat-actions":
            return SimChatActions(session=args.session)
    return None
