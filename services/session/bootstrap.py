"""Wires the session service: bus, own projection, leases, WhatsApp port, command entry point."""

import asyncio
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

from contracts.events.session import SendPacing
from contracts.subjects import event_filter, live_subject
from runtime.bus import Bus, open_bus
from runtime.caught_up import drained_on_jetstream, wait_caught_up
from runtime.consumer import run_consumer
from runtime.leases import Leases
from runtime.logging import get_logger
from runtime.media.store import MediaStore
from runtime.media.usage import MediaUsage
from runtime.rpc import serve_ping
from runtime.settings import Settings
from services.session.adapters.instance import instance_id
from services.session.adapters.leases import open_leases
from services.session.adapters.media_files import ObjectStoreMediaFiles
from services.session.adapters.pending_media_kv import open_pending_media
from services.session.adapters.state_db import SessionStateDb, open_state_db
from services.session.adapters.tenant_locks import open_tenant_locks
from services.session.adapters.whatsapp.logged import LoggedPort
from services.session.adapters.whatsapp.port import WhatsAppPort
from services.session.domain.chat_policy import ChatPolicy
from services.session.domain.policies import ReconnectPolicy, SendRetryPolicy
from services.session.domain.typing import TypingPolicy
from services.session.entrypoints.nats_commands import serve_commands
from services.session.service_layer.commands import CommandHandlers
from services.session.service_layer.downloads import DownloadPolicy
from services.session.service_layer.lifecycle import Lifecycle
from services.session.service_layer.media_files import NO_MEDIA_FILES, MediaFiles
from services.session.service_layer.owned_sessions import Deps, OwnedSessions
from services.session.service_layer.ownership import Ownership
from services.session.service_layer.pending_media import MemoryPendingMedia, PendingMediaStore
from services.session.service_layer.quota import SessionQuota
from services.session.service_layer.sending_files import fresh_sending_dir

log = get_logger(__name__)
FILTERS = [
    event_filter(event_type="session.>"),
    event_filter(event_type="message.queued"),
    event_filter(event_type="message.sent"),
    event_filter(event_type="message.send_failed"),
    event_filter(event_type="message.action_queued"),  # our actions, and their facts below
    event_filter(event_type="message.reacted"),
    event_filter(event_type="message.edited"),
    event_filter(event_type="message.revoked"),
    event_filter(event_type="chat.read_queued"),  # our read receipts, and their fact
    event_filter(event_type="chat.read"),
    *(event_filter(event_type=f"group.{kind}") for kind in ("created", "joined", "synced", "left")),
]  # the groups a session is in (Session.groups): what a connect finds missing was left


def _data_dir(settings: Settings) -> Path:
    return Path(settings.data_dir).resolve()


async def make_port(
    settings: Settings, bus: Bus, leases: Leases, files: ObjectStoreMediaFiles | None = None
) -> WhatsAppPort:
    if settings.whatsapp == "neonize":  # neonize (a Go library) runs in worker processes
        from services.session.adapters.whatsapp.worker.port import WorkerPort

        return WorkerPort.from_settings(settings)
    from services.session.adapters.whatsapp.simulator import SimulatorPort
    from services.session.adapters.whatsapp.simulator.control import serve_simulator

    sim = SimulatorPort(_data_dir(settings), qr_ttl_s=settings.sim_qr_ttl_s)
    read_object = files.read_object if files is not None else None
    await serve_simulator(
        bus.nc, sim, instance=leases.instance, locate=leases.owner, read_object=read_object
    )
    return sim


async def close_port(port: WhatsAppPort) -> None:
    close = getattr(port, "close", None)  # the worker port ends its worker processes
    if close is not None:
        await close()


def make_deps(
    settings: Settings,
    bus: Bus,
    port: WhatsAppPort,
    media: MediaFiles = NO_MEDIA_FILES,
    pending_media: PendingMediaStore | None = None,
    sending_dir: Path | None = None,
) -> Deps:
    async def publish_live(tenant: str, session: str, kind: str, body: bytes) -> None:
        await bus.nc.publish(live_subject(tenant, session, kind), body)

    return Deps(
        publisher=bus.publisher,
        port=LoggedPort(port),
        reconnect=ReconnectPolicy(
            base_s=settings.reconnect_base_s,
            cap_s=settings.reconnect_cap_s,
            max_attempts=settings.reconnect_max_attempts,
            window_s=settings.reconnect_window_s,
            stable_s=settings.reconnect_stable_s,
        ),
        send_retry=SendRetryPolicy(
            max_attempts=settings.send_max_attempts,
            base_s=settings.send_retry_base_s,
            cap_s=settings.send_retry_cap_s,
        ),
        pacing=SendPacing(
            per_minute=settings.send_per_minute,
            burst=settings.send_burst,
            min_spacing_s=settings.send_min_spacing_s,
            jitter_s=settings.send_jitter_s,
        ),
        rand=random.SystemRandom().random,
        now=lambda: datetime.now(UTC),
        publish_live=publish_live,
        default_region=settings.default_region,
        pairing_start_timeout_s=settings.pairing_start_timeout_s,
        media=media,
        pending_media=pending_media or MemoryPendingMedia(),
        sending_dir=sending_dir,
        downloads=DownloadPolicy(
            concurrency=settings.media_download_concurrency,
            attempts=settings.media_download_attempts,
            backoff_s=settings.media_download_backoff_s,
        ),
        edit_window=timedelta(seconds=settings.edit_window_s),
        chat=ChatPolicy(
            typing=TypingPolicy(
                base_s=settings.typing_base_s,
                per_char_s=settings.typing_per_char_s,
                max_s=settings.typing_max_s,
            ),
            number_ttl_s=settings.contact_check_ttl_s,
            picture_ttl_s=settings.profile_picture_ttl_s,
            call_wait_s=settings.paced_call_wait_s,
        ),
    )


async def _project(bus: Bus, db: SessionStateDb, durable: str, stop: asyncio.Event) -> None:
    """Keep the service's own projection of its events up to date until stopped."""
    await run_consumer(bus.js, db, durable=durable, filters=FILTERS, stop=stop)


async def run(settings: Settings, stop: asyncio.Event) -> None:
    bus = await open_bus(settings, "session")
    me = instance_id(settings.instance_id, _data_dir(settings))
    # An explicit instance id (several instances) gets its own projection file.
    db_name = f"session-{settings.instance_id}" if settings.instance_id else "session"
    db = await open_state_db(settings.db_url(db_name))
    durable = f"session-{me}"
    consumer = asyncio.create_task(_project(bus, db, durable, stop))

    drained = drained_on_jetstream(bus.js, durable)

    async def caught_up() -> None:
        """Wait until the own projection has applied every matching event in the log."""
        await wait_caught_up(drained, consuming=consumer)

    leases = await open_leases(bus.js, me, settings.lease_ttl_s, settings.stream_replicas)
    store = await MediaStore.open(
        bus.js, replicas=settings.stream_replicas, max_age_s=settings.media_retention_s
    )
    usage = await MediaUsage.open(
        bus.js, replicas=settings.stream_replicas, quota=settings.media_quota_bytes
    )
    files = ObjectStoreMediaFiles(store, usage)
    port = await make_port(settings, bus, leases, files)
    pending = await open_pending_media(  # shared: a new owner resumes a session's fetches
        bus.js, replicas=settings.stream_replicas, max_age_s=settings.media_retention_s
    )
    sending = fresh_sending_dir(_data_dir(settings), me)  # what a killed run left: removed
    core = OwnedSessions(make_deps(settings, bus, port, files, pending, sending))
    lifecycle = Lifecycle(core)
    ownership = Ownership(lifecycle, leases, db, caught_up, settings.lease_ttl_s)
    # Renewing from the start: starting many clients may take longer than a lease lives.
    renewing = asyncio.create_task(ownership.run(stop))
    await ownership.start()
    locks = await open_tenant_locks(
        bus.js,
        me,
        ttl_s=settings.lease_ttl_s,
        wait_s=settings.request_timeout_s / 2,
        replicas=settings.stream_replicas,
    )
    quota = SessionQuota(settings.tenant_max_sessions, locks, db, caught_up)
    handlers = CommandHandlers(lifecycle, quota)
    await serve_commands(bus.nc, handlers, ownership, settings.request_timeout_s)
    await serve_ping(bus.nc, "session")
    log.info("session.ready", instance=me, sessions=len(core.runtimes))
    await renewing
    for rt in list(core.runtimes.values()):
        async with rt.lock:
            await lifecycle.stop_client(rt)
    await close_port(port)
    await consumer
    await bus.close()
    await db.close()
