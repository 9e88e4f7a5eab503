"""The files a media send passes its bytes through: private, removed after the send, and what
a killed run left is removed when the instance starts again (another instance's is not)."""

from pathlib import Path

import pytest

from services.session.service_layer.sending_files import fresh_sending_dir, sending_file


def test_a_sending_file_is_private_and_removed_however_the_send_ends(tmp_path: Path) -> None:
    with sending_file(tmp_path) as path:
        assert path.parent == tmp_path and path.stat().st_mode & 0o077 == 0
    assert not path.exists()
    with pytest.raises(RuntimeError), sending_file(tmp_path) as path:
        raise RuntimeError("the send failed")
    assert not path.exists()


def test_a_restarted_instance_removes_only_what_its_killed_run_left(tmp_path: Path) -> None:
    mine, theirs = fresh_sending_dir(tmp_path, "inst-a"), fresh_sending_dir(tmp_path, "inst-b")
    (mine / "wa-send-left-by-sigkill").write_bytes(b"x" * 1000)
    (theirs / "wa-send-in-flight").write_bytes(b"y")
    assert fresh_sending_dir(tmp_path, "inst-a") == mine and list(mine.iterdir()) == []
    assert [p.name for p in theirs.iterdir()] == ["wa-send-in-flight"]
