"""Wires the reminder service: database, outbox, log consumer, timer, command entry point."""

import asyncio
import contextlib
from datetime import timedelta
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine

from runtime.bus import open_bus
from runtime.caught_up import drained_on_jetstream, wait_caught_up
from runtime.instance_id import instance_id
from runtime.logging import get_logger
from runtime.nats_messaging import NatsRequests
from runtime.outbox_relay import OutboxRelay
from runtime.rpc import serve_ping
from runtime.settings import Settings
from runtime.sql.outbox import SqlOutbox
from runtime.sql.tracking import SqlTracking
from runtime.sql.unit_of_work import SqlUnitOfWork
from services.reminder.adapters.database import open_reminder_db
from services.reminder.adapters.gate_db import GateDb
from services.reminder.adapters.leases import open_session_leases
from services.reminder.adapters.schedule_reads import SqlScheduleReads
from services.reminder.adapters.session_client import SessionClient
from services.reminder.adapters.sql_uow import SqlReminderWork
from services.reminder.config import ReminderSettings, load_reminder_settings
from services.reminder.entrypoints.log_consumer import consume_log
from services.reminder.entrypoints.metrics_http import serve_metrics
from services.reminder.entrypoints.nats_commands import serve_commands
from services.reminder.service_layer.checks import Checks
from services.reminder.service_layer.clock import Clock
from services.reminder.service_layer.commands import CommandHandlers
from services.reminder.service_layer.dispatcher import Dispatcher
from services.reminder.service_layer.log_reactor import LogReactor
from services.reminder.service_layer.metrics import ReminderMetrics
from services.reminder.service_layer.recorder import Recorder
from services.reminder.service_layer.session_worker import SessionWorker

log = get_logger(__name__)


async def instance_of(settings: Settings, engine: AsyncEngine) -> str:
    """WA_INSTANCE_ID, or one kept in the data folder: two replicas on two folders never share
    leases (nor a pacer). A database that already followed the log as "main" (the default
    before) keeps that id, so its consumer is not replayed from the start."""
    was_main = await SqlTracking(engine).position("reminder-main") > 0
    path = _id_file(settings.data_dir)
    return instance_id(settings.instance_id, path, first="main" if was_main else None)


def _id_file(data_dir: str) -> Path:
    return Path(data_dir).resolve() / "reminder-instance-id"


async def run(
    settings: Settings,
    stop: asyncio.Event,
    options: ReminderSettings | None = None,
    clock: Clock | None = None,
    metrics: ReminderMetrics | None = None,
    ready: asyncio.Event | None = None,
) -> None:
    options = options or load_reminder_settings()
    clock = clock or Clock()
    metrics = metrics or ReminderMetrics()
    bus = await open_bus(settings, "reminder")
    engine = await open_reminder_db(settings.db_url("reminder"))
    instance = await instance_of(settings, engine)
    outbox = SqlOutbox(engine, instance)
    relay = OutboxRelay(outbox, bus.publisher)
    await relay.flush()  # whatever a crash left staged goes out first
    gate = GateDb(engine)
    reads = SqlScheduleReads(engine, gate)
    work = SqlReminderWork(SqlUnitOfWork(engine, outbox=outbox), gate)
    recorder = Recorder(work, relay, clock, metrics)
    ttl = options.lease_ttl_s
    leases = await open_session_leases(bus.js, instance, ttl, settings.stream_replicas)
    policy = options.policy()
    sender = SessionClient(NatsRequests(bus.nc), settings.request_timeout_s)
    worker = SessionWorker(recorder, reads, policy, leases, sender, stop)
    dispatcher = Dispatcher(recorder, reads, policy, leases, ttl, worker, stop)
    durable = f"reminder-{instance}"
    reactor = LogReactor(durable, recorder, policy, dispatcher.wake)

    drained = drained_on_jetstream(bus.js, durable)

    async def catch_up() -> None:
        await wait_caught_up(drained, timeout=2.0)

    ahead = timedelta(seconds=settings.max_schedule_ahead_s)
    checks = Checks(reads, catch_up, settings.default_region, ahead)
    handlers = CommandHandlers(recorder, reads, checks, dispatcher.wake)
    consumer = asyncio.create_task(consume_log(bus.js, reactor, stop))
    # nothing is dispatched on a stale gate: first apply every session event already logged
    while not await wait_caught_up(drained, timeout=10.0) and not consumer.done():
        log.warning("reminder.catching_up", applied=reactor.applied)
    dispatcher.ready.set()
    timer = asyncio.create_task(dispatcher.run())
    await serve_commands(bus.nc, handlers)
    await serve_ping(bus.nc, "reminder")
    exporter = serve_metrics(metrics, options.metrics_port) if options.metrics_port else None
    log.info("reminder.ready", instance=instance)
    if ready is not None:
        ready.set()
    stopper = asyncio.create_task(stop.wait())
    try:
        await asyncio.wait([stopper, timer, consumer], return_when=asyncio.FIRST_COMPLETED)
        for task in (timer, consumer):
            if task.done() and task.exception() is not None:
                log.error("reminder.crashed", error=repr(task.exception()))
                raise RuntimeError("a reminder task crashed") from task.exception()
    finally:
        stop.set()
        for task in (timer, consumer):
            with contextlib.suppress(Exception):
                await task
        if exporter is not None:
            exporter.shutdown()
        await bus.close()
        await engine.dispose()
