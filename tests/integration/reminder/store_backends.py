"""The reminder's store ports (unit of work, schedule reads) on each implementation: memory,
a SQLite file, PostgreSQL (skipped, saying why, when unreachable)."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest

from runtime.sql.outbox import SqlOutbox
from runtime.sql.unit_of_work import SqlUnitOfWork
from services.reminder.adapters.database import open_reminder_db
from services.reminder.adapters.gate_db import GateDb
from services.reminder.adapters.memory.reads import MemoryScheduleReads
from services.reminder.adapters.memory.store import MemoryReminderWork
from services.reminder.adapters.schedule_reads import SqlScheduleReads
from services.reminder.adapters.sql_uow import SqlReminderWork
from services.reminder.service_layer.ports import ScheduleReads, UnitOfWork
from tests.support.databases import database_url

BACKENDS = ["memory", "sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@asynccontextmanager
async def store(kind: str, tmp_path: Path) -> AsyncIterator[tuple[UnitOfWork, ScheduleReads]]:
    if kind == "memory":
        work = MemoryReminderWork()
        yield work, MemoryScheduleReads(work)
        return
    async with database_url(kind, tmp_path, "reminder_ports") as url:
        engine = await open_reminder_db(url)
        gate = GateDb(engine)
        kit = SqlUnitOfWork(engine, outbox=SqlOutbox(engine, "main"))
        try:
            yield SqlReminderWork(kit, gate), SqlScheduleReads(engine, gate)
        finally:
            await engine.dispose()
