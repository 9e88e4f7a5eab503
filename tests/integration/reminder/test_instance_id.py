"""Without WA_INSTANCE_ID, each reminder instance keeps its own id in its data folder: two
replicas on two folders follow the log (and hold leases) apart; a restart keeps its id; a
database that already followed the log as "main" (the old default) keeps that one."""

from pathlib import Path

import msgspec

from contracts.subjects import EVENTS_STREAM
from runtime.bus import Bus
from runtime.settings import Settings
from runtime.sql.tracking import SqlTracking
from services.reminder.adapters.database import open_reminder_db
from services.reminder.bootstrap import instance_of
from tests.integration.reminder.support import reminder_service


async def reminder_durables(bus: Bus) -> set[str]:
    names = {c.name for c in await bus.js.consumers_info(EVENTS_STREAM)}
    return {n for n in names if n and n.startswith("reminder-")}


async def test_two_replicas_on_two_data_folders_differ_by_default(
    settings: Settings, bus: Bus, tmp_path: Path
) -> None:
    one = msgspec.structs.replace(settings, data_dir=str(tmp_path / "one"))
    two = msgspec.structs.replace(settings, data_dir=str(tmp_path / "two"))
    async with reminder_service(one, instance=""), reminder_service(two, instance=""):
        durables = await reminder_durables(bus)
    ids = [(tmp_path / d / "reminder-instance-id").read_text() for d in ("one", "two")]
    assert ids[0] != ids[1] and durables == {f"reminder-{i}" for i in ids}
    async with reminder_service(one, instance=""):  # restarted: the same id
        pass
    assert (tmp_path / "one" / "reminder-instance-id").read_text() == ids[0]
    assert await reminder_durables(bus) == durables


async def test_a_database_that_followed_the_log_as_main_keeps_that_id(settings: Settings) -> None:
    engine = await open_reminder_db(settings.db_url("reminder"))
    try:
        async with engine.begin() as conn:
            await SqlTracking(engine).save(conn, "reminder-main", 42)
        assert await instance_of(settings, engine) == "main"
        assert await instance_of(settings, engine) == "main"
        named = msgspec.structs.replace(settings, instance_id="r2")
        assert await instance_of(named, engine) == "r2"
    finally:
        await engine.dispose()
