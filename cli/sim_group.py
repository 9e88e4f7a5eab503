"""``wa sim group``: the phone creates a group, or someone adds, removes, promotes or demotes
people in one, or changes its subject."""

import argparse
from typing import Any, get_args

from contracts.simulator_groups import SimGroup, SimGroupAction

__all__ = ["group_request", "register_group"]


def register_group(verbs: Any) -> None:
    group: argparse.ArgumentParser = verbs.add_parser(
        "group", help="the phone (or --by someone) changes a group the session can see"
    )
    group.add_argument("session")
    group.add_argument("action", choices=list(get_args(SimGroupAction)))
    group.add_argument("group", nargs="?", help="the group's JID (all but create)")
    group.add_argument("--subject")
    group.add_argument("--participants", default="", help="comma-separated numbers or JIDs")
    group.add_argument("--by", help="who does it (default: the session's own phone)")


def group_request(args: argparse.Namespace) -> SimGroup:
    people = [p.strip() for p in args.participants.split(",") if p.strip()]
    return SimGroup(
        session=args.session, action=args.action, group=args.group, subject=args.subject,
        participants=people, by=args.by,
    )  # fmt: skip
