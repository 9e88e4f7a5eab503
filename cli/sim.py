"""``wa sim``: drive the WhatsApp simulator of a running stack over NATS."""

import argparse
import asyncio
from pathlib import Path
from typing import Any, get_args

import msgspec
import nats

from cli.sim_chats import build_chat_request, register_chat_verbs
from cli.sim_group import group_request, register_group
from cli.sim_media import with_media
from contracts.conversation import ContactCard, Location
from contracts.media import SendableKind
from contracts.simulator import (
    SimDrop,
    SimFailConnects,
    SimFailDownloads,
    SimFailSends,
    SimIncoming,
    SimReceipt,
    SimScan,
    SimSent,
)
from contracts.simulator_conversation import SimEdit, SimReact, SimRevoke
from contracts.subjects import sim_subject
from runtime.nats_auth.credentials import client_credentials
from runtime.nats_auth.permissions import OPERATOR
from runtime.settings import load_settings

_encoder = msgspec.json.Encoder()


def register(sub: Any) -> None:
    parser: argparse.ArgumentParser = sub.add_parser("sim", help="drive the WhatsApp simulator")
    verbs = parser.add_subparsers(dest="verb", required=True)
    scan = verbs.add_parser("scan", help="the phone scans the QR (or enters the code)")
    scan.add_argument("session")
    scan.add_argument("--phone", required=True)
    incoming = verbs.add_parser("incoming", help="someone sends the session a message")
    incoming.add_argument("session")
    incoming.add_argument("--from", dest="sender", required=True)
    incoming.add_argument("--text", help="the message, or a file's caption")
    incoming.add_argument("--caption", help="a file's caption (same as --text)")
    incoming.add_argument("--media", type=Path, help="a file the phone sends")
    incoming.add_argument("--kind", choices=list(get_args(SendableKind)), default="document")
    incoming.add_argument("--mime", help="the file's type (default: sniffed from its bytes)")
    incoming.add_argument("--filename", help="the file's name (default: --media's name)")
    incoming.add_argument("--group")
    incoming.add_argument("--sender-phone", help="the phone JID alongside an @lid sender")
    incoming.add_argument("--push-name")
    incoming.add_argument("--old", action="store_true", help="delivered late (offline sync)")
    incoming.add_argument("--location", type=_location, help="a shared location: LAT,LON")
    incoming.add_argument("--contact", type=_contact, help="a contact card: NAME,PHONE")
    incoming.add_argument("--reply-to", help="the id of a message this one quotes")
    incoming.add_argument("--from-me", action="store_true", help="sent from our own phone")
    for verb, text in (("react", "reacts to"), ("edit", "edits"), ("revoke", "revokes")):
        act = verbs.add_parser(verb, help=f"someone {text} a message")
        act.add_argument("session")
        act.add_argument("--from", dest="sender", required=True, help="who (the chat, too)")
        act.add_argument("--id", dest="message_id", required=True, help="the message")
        act.add_argument("--group")
        act.add_argument("--from-me", action="store_true", help="our own phone does it")
        if verb == "react":
            act.add_argument("--emoji", required=True, help='one emoji; "" removes it')
        if verb == "edit":
            act.add_argument("--text", required=True)
    receipt = verbs.add_parser("receipt", help="a sent message was delivered or read")
    receipt.add_argument("session")
    receipt.add_argument("--id", dest="message_id", required=True)
    receipt.add_argument("--status", choices=["delivered", "read", "played"], default="delivered")
    drop = verbs.add_parser("drop", help="inject a fault")
    drop.add_argument("session")
    drop.add_argument(
        "--reason", choices=["network", "keepalive", "logout", "replaced", "ban"], required=True
    )
    fail = verbs.add_parser("fail-sends", help="make the next N sends fail")
    fail.add_argument("session")
    fail.add_argument("count", type=int)
    fail_downloads = verbs.add_parser("fail-downloads", help="make the next N downloads fail")
    fail_downloads.add_argument("session")
    fail_downloads.add_argument("count", type=int)
    fail_connects = verbs.add_parser("fail-connects", help="make the next N connects fail")
    fail_connects.add_argument("session")
    fail_connects.add_argument("count", type=int)
    sent = verbs.add_parser("sent", help="what the simulator accepted as sent (JSON)")
    sent.add_argument("session")
    register_group(verbs)
    register_chat_verbs(verbs)
    parser.set_defaults(func=run)


def build_request(args: argparse.Namespace) -> Any:
    chat = build_chat_request(args)
    if chat is not None:
        return chat
    match args.verb:
        case "scan":
            return SimScan(session=args.session, phone=args.phone)
        case "incoming":
            return SimIncoming(
                session=args.session,
                sender=args.sender,
                text=args.caption or args.text or "",
                group=args.group,
                sender_phone=args.sender_phone,
                push_name=args.push_name,
                old=args.old,
                location=args.location,
                contact=args.contact,
                reply_to=args.reply_to,
                from_me=args.from_me,
            )
        case "react" | "edit" | "revoke":
            return _action(args)
        case "receipt":
            return SimReceipt(session=args.session, message_id=args.message_id, status=args.status)
        case "drop":
            return SimDrop(session=args.session, reason=args.reason)
        case "fail-sends":
            return SimFailSends(session=args.session, count=args.count)
        case "fail-downloads":
            return SimFailDownloads(session=args.session, count=args.count)
        case "fail-connects":
            return SimFailConnects(session=args.session, count=args.count)
        case "group":
            return group_request(args)
    return SimSent(session=args.session)


def _location(value: str) -> Location:
    lat, _, lon = value.partition(",")
    try:
        return Location(latitude=float(lat), longitude=float(lon))
    except ValueError as exc:
        raise argparse.ArgumentTypeError("LAT,LON: two numbers, e.g. 30.04,31.23") from exc


def _contact(value: str) -> ContactCard:
    name, _, phone = value.rpartition(",")
    if not name.strip() or not phone.strip():
        raise argparse.ArgumentTypeError("NAME,PHONE, e.g. Mona,+201000000009")
    return ContactCard(name=name.strip(), phone=phone.strip())


def _action(args: argparse.Namespace) -> SimReact | SimEdit | SimRevoke:
    who = {"session": args.session, "sender": args.sender, "message_id": args.message_id,
           "group": args.group, "from_me": args.from_me}  # fmt: skip
    if args.verb == "react":
        return SimReact(**who, emoji=args.emoji)
    if args.verb == "edit":
        return SimEdit(**who, text=args.text)
    return SimRevoke(**who)


def run(args: argparse.Namespace) -> int:
    filled = args.verb != "incoming" or args.location or args.contact
    if not filled and args.media is None and args.text is None:
        print("wa sim incoming: --text, --media, --location or --contact is required")
        return 2
    return asyncio.run(_send(args.verb, build_request(args), args))


async def _send(verb: str, request: Any, args: argparse.Namespace) -> int:
    settings = load_settings()
    url = settings.nats_url or f"nats://127.0.0.1:{settings.nats_port}"
    creds = client_credentials(settings, OPERATOR)
    auth = {"user": creds.user, "password": creds.password} if creds else {}
    nc = await nats.connect(url.split(","), **auth)
    try:
        if verb == "incoming" and args.media is not None:
            request = await with_media(nc, request, args)
        msg = await nc.request(sim_subject(verb), _encoder.encode(request), timeout=10)
    finally:
        await nc.close()
    print(msg.data.decode())
    ok = msgspec.json.decode(msg.data).get("ok", True)
    return 0 if ok else 1
