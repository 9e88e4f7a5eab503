"""JIDs, send-error classification and device database locations."""

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from neonize.proto.Neonize_pb2 import JID

from services.session.adapters.whatsapp.neonize.devices import (
    PostgresDevice,
    SqliteDevice,
    device_database,
)
from services.session.adapters.whatsapp.neonize.jids import jid_from_str, jid_str, user_jid_str
from services.session.adapters.whatsapp.neonize.send_errors import send_failed


def test_jids_round_trip_with_device_and_agent() -> None:
    for text in ("201234567890@s.whatsapp.net", "201234567890:12@s.whatsapp.net", "98765:3@lid"):
        assert jid_str(jid_from_str(text)) == text
    agent = jid_from_str("201234567890.1:2@s.whatsapp.net")
    assert (agent.RawAgent, agent.Device) == (1, 2)
    assert user_jid_str(agent) == "201234567890@s.whatsapp.net"
    assert jid_str(JID(IsEmpty=True)) is None and user_jid_str(JID()) is None
    assert jid_str(JID(Server="g.us")) == "g.us"


@pytest.mark.parametrize("bad", ["", "2012", "@s.whatsapp.net", "2012@", "a@b@c", "x:y@lid"])
def test_malformed_jids_are_refused(bad: str) -> None:
    with pytest.raises(ValueError):
        jid_from_str(bad)


def test_send_errors_say_whether_a_retry_may_help() -> None:
    assert send_failed("websocket not connected").retryable
    assert send_failed("failed to get device list: info query timed out").retryable
    timed_out = send_failed("timed out waiting for message send response")
    assert not timed_out.retryable and "may have been delivered" in str(timed_out)
    assert not send_failed("can't send message to unknown server").retryable
    assert not send_failed("you're not participating in that group").retryable


def test_sqlite_device_db_is_one_file_per_session(tmp_path: Path) -> None:
    device = device_database(data_dir=tmp_path, db_url="", tenant="acme", session="s-1")
    assert isinstance(device, SqliteDevice)
    assert device.neonize_name == str(tmp_path.resolve() / "neonize" / "acme" / "s-1.db")


def test_postgres_device_db_is_a_schema_per_session() -> None:
    url = "postgresql+asyncpg://wa@db:5432/wa?sslmode=disable"
    one = device_database(data_dir=Path("var"), db_url=url, tenant="acme", session="s1")
    two = device_database(data_dir=Path("var"), db_url=url, tenant="acme", session="s2")
    assert isinstance(one, PostgresDevice) and isinstance(two, PostgresDevice)
    assert one.schema != two.schema and one.schema.startswith("wa_device_")
    parts = urlsplit(one.neonize_name)
    assert parts.scheme == "postgres" and parts.netloc == "wa@db:5432"
    assert parse_qs(parts.query) == {"sslmode": ["disable"], "search_path": [one.schema]}
    run = parse_qs(urlsplit(one.neonize_name_for("ab12")).query)  # its store's connections
    assert run["application_name"] == ["wa-neonize-ab12"] and run["search_path"] == [one.schema]


@pytest.mark.parametrize("bad", ["../etc", "a/b", "", "x" * 65, "s1\n"])
def test_ids_that_could_escape_the_data_dir_are_refused(tmp_path: Path, bad: str) -> None:
    with pytest.raises(ValueError):
        device_database(data_dir=tmp_path, db_url="", tenant="acme", session=bad)


def test_the_linked_device_name_is_a_setting() -> None:
    from runtime.settings import load_settings
    from services.session.adapters.whatsapp.neonize.options import device_props
    from services.session.adapters.whatsapp.neonize.port import NeonizePort

    settings = load_settings({"WA_NEONIZE_DEVICE_NAME": "Acme Front Desk"})
    port = NeonizePort.from_settings(settings)
    assert port.options.device_name == "Acme Front Desk"
    assert device_props(port.options.device_name).os == "Acme Front Desk"
    assert NeonizePort.from_settings(load_settings({})).options.device_name != "Neonize"


async def test_go_flags_are_awaited_not_taken_for_true() -> None:
    from services.session.adapters.whatsapp.neonize.go_flags import go_flag

    async def not_connected() -> bool:
        return False

    pending = not_connected()
    assert bool(pending)  # what `if neo.is_connected:` would have seen
    assert await go_flag(pending) is False
    assert await go_flag(True) is True
