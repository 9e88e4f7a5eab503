"""A deterministic stream of group events, for the store's rebuild test: groups created,
joined and synced (snapshots), participants added, removed, promoted and demoted, subjects
and descriptions changed, groups left; several groups per session, the same seed the same
events."""

import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from contracts.codec import encode_event
from contracts.envelope import Envelope, make_event
from contracts.events import (
    Event,
    GroupCreated,
    GroupDescriptionChanged,
    GroupInviteRevoked,
    GroupJoined,
    GroupLeft,
    GroupParticipantsChanged,
    GroupSubjectChanged,
    GroupSynced,
)
from contracts.events.group import GroupAction, GroupParticipant
from contracts.subjects import event_subject

__all__ = ["encoded_group_stream"]

START = datetime(2026, 2, 1, tzinfo=UTC)
ACTIONS: tuple[GroupAction, ...] = ("add", "remove", "promote", "demote")


def _people(rng: random.Random) -> list[GroupParticipant]:
    chosen = rng.sample(range(40), rng.randrange(1, 8))
    return [
        GroupParticipant(
            jid=f"2012{n:07d}@s.whatsapp.net", is_admin=rng.random() < 0.3, is_super_admin=i == 0
        )
        for i, n in enumerate(chosen)
    ]


def _one(rng: random.Random, group: str) -> Event:
    roll = rng.random()
    if roll < 0.15:
        kind = rng.choice([GroupCreated, GroupJoined, GroupSynced])
        return kind(
            group_jid=group,
            subject=f"Group {rng.randrange(100)}",
            description=rng.choice([None, "about us"]),
            participants=_people(rng),
        )
    if roll < 0.70:
        jids = [f"2012{rng.randrange(40):07d}@s.whatsapp.net" for _ in range(rng.randrange(1, 4))]
        return GroupParticipantsChanged(
            group_jid=group, action=rng.choice(ACTIONS), participants=jids
        )
    if roll < 0.80:
        return GroupSubjectChanged(group_jid=group, subject=f"Renamed {rng.randrange(100)}")
    if roll < 0.88:
        return GroupDescriptionChanged(group_jid=group, description=rng.choice([None, "new"]))
    if roll < 0.94:
        return GroupLeft(group_jid=group)
    return GroupInviteRevoked(group_jid=group)


def group_stream(count: int, *, seed: int = 11) -> Iterator[Envelope]:
    rng = random.Random(seed)
    sessions = [(f"t{t}", f"s{t}x{s}") for t in range(3) for s in range(3)]
    for n in range(count):
        tenant, session = rng.choice(sessions)
        group = f"1203630000000{rng.randrange(6):05d}@g.us"
        yield make_event(
            _one(rng, group),
            tenant=tenant,
            session=session,
            occurred_at=START + timedelta(seconds=n),
            event_id=f"gr{n:09d}",
        )


def encoded_group_stream(count: int) -> list[tuple[str, bytes, str]]:
    return [
        (event_subject(e.tenant, e.session, e.type), encode_event(e), e.id)
        for e in group_stream(count)
    ]
