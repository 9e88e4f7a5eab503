"""The real neonize client, as far as it runs here: no WhatsApp server is reachable, so every
connection attempt fails at the dial, after neonize's Go side has opened the device database."""

import asyncio
import os
import sqlite3
from datetime import timedelta
from pathlib import Path

import pytest
from structlog.testing import capture_logs

from contracts.conversation import Location, MessageRef, React
from contracts.media import MediaDescriptor
from services.session.adapters.whatsapp.neonize.client import NeonizeClient, PairingFailed
from services.session.adapters.whatsapp.neonize.options import NeonizeOptions
from services.session.adapters.whatsapp.neonize.port import NeonizePort
from services.session.adapters.whatsapp.port import DropReason, OutgoingMedia, SendFailed
from tests.support.waiting import eventually
from tests.unit.neonize.recording import RecordingEvents

PG_URL = os.environ.get("WA_TEST_POSTGRES_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test")


def make(tmp_path: Path, db_url: str = "") -> tuple[NeonizeClient, RecordingEvents]:
    options = NeonizeOptions(qr_wait=timedelta(seconds=1), stop_wait=timedelta(seconds=2))
    port = NeonizePort(data_dir=tmp_path, db_url=db_url, options=options)
    events = RecordingEvents()
    client = port.new_client(tenant="acme", session="s1", events=events)
    assert isinstance(client, NeonizeClient)
    return client, events


async def dropped(events: RecordingEvents, count: int = 1) -> bool:
    return events.calls.count(("dropped", "connect_failure")) >= count


async def test_a_failed_connection_is_one_connect_failure_on_a_real_device_db(
    tmp_path: Path,
) -> None:
    client, events = make(tmp_path)
    await client.connect()
    await eventually(lambda: dropped(events))
    assert events.calls == [("dropped", "connect_failure")]  # no QR, no second report
    db = tmp_path / "neonize" / "acme" / "s1.db"
    tables = {row[0] for row in sqlite3.connect(db).execute("SELECT name FROM sqlite_master")}
    assert "whatsmeow_device" in tables  # whatsmeow's own store, one file per session
    await client.connect()  # the policy tries again: a fresh neonize client, same device DB
    await eventually(lambda: dropped(events, 2))
    await client.disconnect()


async def test_nothing_is_sent_without_a_live_connection(tmp_path: Path) -> None:
    client, _ = make(tmp_path)
    with pytest.raises(SendFailed) as failed:
        await client.send_text(chat_jid="201234567890@s.whatsapp.net", text="hi", message_id="m1")
    assert failed.value.retryable
    file = tmp_path / "photo.jpg"
    file.write_bytes(b"\xff\xd8\xff")
    media = OutgoingMedia(
        descriptor=MediaDescriptor(kind="image", mime="image/jpeg"), path=str(file)
    )
    with pytest.raises(SendFailed) as failed:  # a file neither: nothing uploaded
        await client.send_media(
            chat_jid="201234567890@s.whatsapp.net", media=media, message_id="m2"
        )
    assert failed.value.retryable
    chat = "201234567890@s.whatsapp.net"
    target = MessageRef(message_id="in1", chat_jid=chat, sender_jid=chat)
    sends = [
        client.send_card(chat_jid=chat, card=Location(latitude=1, longitude=2), message_id="m2"),
        client.send_action(target=target, action=React(emoji="👍"), message_id="m3"),
    ]
    for send in sends:  # locations, cards and actions: the same gate
        with pytest.raises(SendFailed) as failed:
            await send
        assert failed.value.retryable
    assert not (tmp_path / "neonize" / "acme" / "s1.sent-ids.db").exists()


async def test_phone_pairing_needs_a_phone_number_and_a_pairing_connection(
    tmp_path: Path,
) -> None:
    client, events = make(tmp_path)
    with pytest.raises(PairingFailed) as bad:
        await client.pair_phone("not a number")
    assert not bad.value.retryable and events.calls == []
    with pytest.raises(PairingFailed) as offline:
        await client.pair_phone("+201234567890")
    assert offline.value.retryable
    await eventually(lambda: dropped(events))  # the failed dial is still reported, once
    await client.disconnect()


async def test_forget_and_offline_logout_delete_the_credentials(tmp_path: Path) -> None:
    client, events = make(tmp_path)
    await client.connect()
    await eventually(lambda: dropped(events))
    db = tmp_path / "neonize" / "acme" / "s1.db"
    assert db.exists()
    await client.logout()
    assert not db.exists()
    await client.connect()
    await eventually(lambda: dropped(events, 2))
    assert db.exists()
    await client.forget()
    assert not db.exists()


async def _postgres_reachable() -> bool:
    import asyncpg  # type: ignore[import-untyped]

    try:
        conn = await asyncpg.connect(PG_URL.replace("+asyncpg", ""), timeout=3)
    except (OSError, asyncpg.PostgresError):
        return False
    await conn.close()
    return True


@pytest.mark.postgres
async def test_postgres_device_db_is_a_schema_that_forget_drops(tmp_path: Path) -> None:
    import asyncpg

    if not await _postgres_reachable():
        pytest.skip(f"PostgreSQL unreachable at {PG_URL}")
    url = PG_URL + ("&" if "?" in PG_URL else "?") + "sslmode=disable"
    client, events = make(tmp_path, db_url=url)
    schema = client._device.schema  # type: ignore[attr-defined]
    await client.connect()
    await eventually(lambda: dropped(events))
    conn = await asyncpg.connect(PG_URL.replace("+asyncpg", ""))
    try:
        query = "SELECT count(*) FROM information_schema.tables WHERE table_schema = $1"
        assert await conn.fetchval(query, schema) > 0  # whatsmeow migrated inside the schema
        await client.forget()
        assert await conn.fetchval(query, schema) == 0
    finally:
        await conn.close()


async def test_racing_connects_start_one_neonize_client_and_every_line_names_the_session(
    tmp_path: Path,
) -> None:
    with capture_logs() as logs:
        client, events = make(tmp_path)
        await asyncio.gather(*(client.connect() for _ in range(20)))
        await eventually(lambda: dropped(events))
        await client.disconnect()
    calls = [entry for entry in logs if entry["event"] == "neonize.call"]
    assert [entry["op"] for entry in calls].count("connect") == 1
    assert all(entry["tenant"] == "acme" and entry["session"] == "s1" for entry in logs)


class GivesUpOnDrop(RecordingEvents):
    """Like the service when its policy says stop: disconnects from inside the callback."""

    client: NeonizeClient

    async def on_dropped(self, reason: DropReason) -> None:
        await self.client.disconnect()
        self.calls.append(("dropped", reason))


async def test_disconnecting_from_inside_a_callback_finishes_that_callback(
    tmp_path: Path,
) -> None:
    events = GivesUpOnDrop()
    port = NeonizePort(data_dir=tmp_path)
    client = port.new_client(tenant="acme", session="s1", events=events)
    assert isinstance(client, NeonizeClient)
    events.client = client
    await client.connect()
    await eventually(lambda: dropped(events))
    await client.connect()  # and the client still works afterwards
    await eventually(lambda: dropped(events, 2))
    await client.disconnect()
