"""Group commands in the session service (real NATS, the simulator): paced, gated, done
once per operation id; the groups the number is in are logged when it connects."""

import asyncio
from pathlib import Path

import msgspec
import pytest

from cli.main import main
from contracts.commands import Accepted, ReconnectSession, Refused
from contracts.events import GroupLeft
from contracts.groups import CreateGroup, UpdateGroupParticipants
from contracts.simulator import SimDrop
from contracts.simulator_groups import SimGroup
from runtime.bus import Bus
from runtime.settings import Settings
from services.session.adapters.whatsapp.simulator.group_store import SimGroupStore
from tests.integration.session.harness import PHONE, Driver, fast, running_service

PEER = "+201000000001"


def groups_on_whatsapp(settings: Settings, session: str) -> int:
    return len(SimGroupStore(Path(settings.data_dir) / "simulator").all(session))


async def test_group_calls_are_paced_and_gated(settings: Settings, bus: Bus) -> None:
    """One token a minute: the second call's slot is a minute off, so it is refused (429)
    and WhatsApp is not called; a session that is not connected calls nothing either."""
    async with running_service(fast(settings, send_burst=1, send_per_minute=1.0), bus):
        d = Driver(bus)
        session = await d.connected_session()
        make = CreateGroup(tenant="t1", session=session, subject="A", participants=[PEER])
        first = await d.command(make)
        assert isinstance(first, Accepted) and first.group is not None, first
        second = await d.command(
            CreateGroup(tenant="t1", session=session, subject="B", participants=[PEER])
        )
        assert isinstance(second, Refused) and second.code == "paced", second
        assert int(second.details["retry_after_s"]) > 30
        assert groups_on_whatsapp(settings, session) == 1

        idle = await d.create()
        offline = await d.command(
            CreateGroup(tenant="t1", session=idle, subject="C", participants=[PEER])
        )
        assert isinstance(offline, Refused) and offline.code == "not_connected", offline
        assert groups_on_whatsapp(settings, idle) == 0


async def test_a_retried_operation_is_answered_again_not_done_again(
    settings: Settings, bus: Bus
) -> None:
    async with running_service(fast(settings), bus):
        d = Driver(bus)
        session = await d.connected_session()
        make = CreateGroup(
            tenant="t1", session=session, subject="Once", participants=[PEER], operation_id="op-1"
        )
        first, again = await d.command(make), await d.command(make)
        assert isinstance(first, Accepted) and first == again, (first, again)
        assert groups_on_whatsapp(settings, session) == 1
        assert [e.type for e in await d.events(session)].count("group.created") == 1
        assert first.group is not None
        bad = await d.command(
            UpdateGroupParticipants(
                tenant="t1",
                session=session,
                group_jid=first.group.group_jid,
                action="add",
                participants=[],
            )
        )
        assert isinstance(bad, Refused) and bad.code == "validation_failed", bad


async def test_groups_are_synced_on_connect_only_when_they_changed(
    settings: Settings, bus: Bus
) -> None:
    """Made by the phone while the session was offline: logged as group.synced when it
    connects again; on the next connection only the group that changed is logged again."""
    async with running_service(fast(settings, reconnect_max_attempts=0), bus):
        d = Driver(bus)
        session = await d.connected_session()
        for round, subject in enumerate(["Family", "Work"], start=1):
            await d.sim("drop", SimDrop(session=session, reason="network"))
            await d.wait_for(session, "session.disconnected", count=round)
            made = SimGroup(session=session, action="create", subject=subject, participants=[PEER])
            reply = await d._sim("group", made, dict)
            assert reply["ok"] and reply["error"] == "offline", reply
            reconnect = await d.command(ReconnectSession(tenant="t1", session=session))
            assert isinstance(reconnect, Accepted), reconnect
            await d.wait_for(session, "group.synced", count=round)
        synced = [e.payload for e in await d.events(session) if e.type == "group.synced"]
        assert [s.subject for s in synced] == ["Family", "Work"]  # type: ignore[union-attr]


async def test_a_group_left_while_offline_is_logged_as_left_on_connect(
    settings: Settings, bus: Bus
) -> None:
    """Removed from a group while the session was offline: WhatsApp does not replay that, so
    the next connection's joined-groups list, which lacks the group, makes it group.left."""
    async with running_service(fast(settings, reconnect_max_attempts=0), bus):
        d = Driver(bus)
        session = await d.connected_session()
        made = SimGroup(session=session, action="create", subject="Team", participants=[PEER])
        created = await d._sim("group", made, dict)
        assert created["ok"] and created["error"] is None, created
        [made_event] = await d.wait_for(session, "group.created")
        group = created["group_jid"]
        assert made_event.payload.group_jid == group  # type: ignore[union-attr]
        await d.sim("drop", SimDrop(session=session, reason="network"))
        await d.wait_for(session, "session.disconnected")
        removal = SimGroup(session=session, action="remove", group=group,
                           participants=[PHONE], by=PEER)  # fmt: skip
        removed = await d._sim("group", removal, dict)
        assert removed["ok"] and removed["error"] == "offline", removed
        reconnect = await d.command(ReconnectSession(tenant="t1", session=session))
        assert isinstance(reconnect, Accepted), reconnect
        [left] = await d.wait_for(session, "group.left")
        assert left.payload == GroupLeft(group_jid=group)
        assert [e.type for e in await d.events(session)].count("group.synced") == 0


async def test_a_group_left_while_the_service_was_down_is_logged_as_left_on_connect(
    settings: Settings, bus: Bus
) -> None:
    """The groups a session is in are its state, rebuilt from its events: a restart of the
    service itself forgets none, so a removal made while no service ran is found on connect."""
    tuned = fast(settings)
    d = Driver(bus)
    async with running_service(tuned, bus):
        session = await d.connected_session()
        made = SimGroup(session=session, action="create", subject="Team", participants=[PEER])
        created = await d._sim("group", made, dict)
        assert created["ok"], created
        group = created["group_jid"]
        await d.wait_for(session, "group.created")
    phone_side = SimGroupStore(Path(settings.data_dir) / "simulator")  # WhatsApp's side
    kept = phone_side.get(session, group)
    assert kept is not None
    others = [p for p in kept.info.participants if p.jid != kept.info.owner_jid]  # not us
    info = msgspec.structs.replace(kept.info, participants=others)
    phone_side.put(session, msgspec.structs.replace(kept, info=info))
    async with running_service(tuned, bus):  # a new service resumes the session
        [left] = await d.wait_for(session, "group.left", timeout=30)
        assert left.payload == GroupLeft(group_jid=group)
        assert [e.type for e in await d.events(session)].count("session.connected") == 2


async def test_wa_sim_group_drives_the_phone(
    settings: Settings,
    bus: Bus,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("WA_NATS_URL", settings.nats_url)

    async def wa(*args: str) -> int:
        capsys.readouterr()
        return await asyncio.to_thread(main, ["sim", "group", *args])

    async with running_service(fast(settings), bus):
        d = Driver(bus)
        session = await d.connected_session()
        assert await wa(session, "create", "--subject", "Fam", "--participants", PEER) == 0
        group = msgspec.json.decode(capsys.readouterr().out)["group_jid"]
        (created,) = await d.wait_for(session, "group.created")
        assert created.payload.subject == "Fam"  # type: ignore[union-attr]
        args = ["--participants", "+201000000002", "--by", PEER]
        assert await wa(session, "add", group, *args) == 0
        (added,) = await d.wait_for(session, "group.participants_changed")
        assert added.payload.participants == ["201000000002@s.whatsapp.net"]  # type: ignore[union-attr]
        assert await wa(session, "subject", "120363999999999999@g.us", "--subject", "X") == 1
