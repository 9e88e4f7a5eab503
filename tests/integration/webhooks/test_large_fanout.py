"""A consumer batch fans out to many webhooks at once: 500 events for 25 webhooks (the tenant
limit) is 12,500 deliveries queued in one transaction, on SQLite and on PostgreSQL, whose
statements carry at most 32,767 parameters. Queued again (a redelivered batch), nothing
doubles."""

from pathlib import Path

from sqlalchemy import func, select

from runtime.sql.unit_of_work import SqlUnitOfWork
from services.webhooks.adapters.database import open_webhooks_db
from services.webhooks.adapters.deliveries import SqlDeliveries
from services.webhooks.adapters.tables import deliveries
from services.webhooks.domain.model import QueuedDelivery

EVENTS, WEBHOOKS = 500, 25


def _queued() -> list[QueuedDelivery]:
    return [
        QueuedDelivery(
            id=f"d-{w}-{e}", webhook_id=f"w{w}", tenant="t1", session="s1",
            event_id=f"e{e}", event_type="message.received", sequence=e + 1,
            body=b"{}", created_ms=1_000,
        )
        for e in range(EVENTS)
        for w in range(WEBHOOKS)
    ]  # fmt: skip


async def test_a_batch_fanned_out_to_every_webhook_is_queued_once(
    db_url: str, tmp_path: Path
) -> None:
    url = db_url or f"sqlite+aiosqlite:///{tmp_path / 'webhooks.sqlite'}"
    engine = await open_webhooks_db(url)
    try:
        uow, repo = SqlUnitOfWork(engine), SqlDeliveries(engine)
        for _ in range(2):
            async with uow.begin() as tx:
                await repo.queue(tx, _queued())
        async with engine.connect() as conn:
            count = (await conn.execute(select(func.count()).select_from(deliveries))).scalar()
        assert count == EVENTS * WEBHOOKS
    finally:
        await engine.dispose()
