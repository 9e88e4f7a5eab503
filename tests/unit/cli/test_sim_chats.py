"""``wa sim numbers | picture | chat-actions`` build the simulator's requests."""

import argparse
from pathlib import Path

from cli.sim import build_request, register
from contracts.simulator_chats import SimChatActions, SimNumber, SimNumbers, SimPicture


def parse(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    register(parser.add_subparsers(dest="command"))
    return parser.parse_args(["sim", *argv])


def test_numbers_with_and_without_a_lid_and_their_removal() -> None:
    request = build_request(parse("numbers", "s1", "+201000000001=99@lid", "+201000000002"))
    assert request == SimNumbers(session="s1", numbers=[
        SimNumber(phone="+201000000001", lid="99@lid"), SimNumber(phone="+201000000002"),
    ])  # fmt: skip
    removed = build_request(parse("numbers", "s1", "+201000000002", "--remove"))
    assert isinstance(removed, SimNumbers) and removed.on_whatsapp is False


def test_a_picture_from_a_file_or_removed_and_the_actions_asked(tmp_path: Path) -> None:
    image = tmp_path / "me.jpg"
    image.write_bytes(b"\xff\xd8")
    request = build_request(parse("picture", "s1", "2010@s.whatsapp.net", "--file", str(image)))
    assert request == SimPicture(session="s1", jid="2010@s.whatsapp.net", data=b"\xff\xd8")
    removed = build_request(parse("picture", "s1", "2010@s.whatsapp.net", "--remove"))
    assert isinstance(removed, SimPicture) and removed.data is None
    assert build_request(parse("chat-actions", "s1")) == SimChatActions(session="s1")
