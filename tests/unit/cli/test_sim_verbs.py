"""`wa sim` parses the conversation verbs and flags into the simulator's requests."""

import argparse

import pytest

from cli import sim
from contracts.conversation import ContactCard, Location
from contracts.simulator import SimIncoming
from contracts.simulator_conversation import SimEdit, SimReact, SimRevoke


def parsed(*argv: str) -> object:
    parser = argparse.ArgumentParser()
    sim.register(parser.add_subparsers(dest="command"))
    return sim.build_request(parser.parse_args(["sim", *argv]))


def test_incoming_with_a_location_a_contact_and_a_quote() -> None:
    request = parsed("incoming", "s1", "--from", "+201000000001", "--location", "30.04,31.23",
                     "--reply-to", "3EB0AA")  # fmt: skip
    assert isinstance(request, SimIncoming) and request.reply_to == "3EB0AA"
    assert request.location == Location(latitude=30.04, longitude=31.23) and request.text == ""
    request = parsed("incoming", "s1", "--from", "+201000000001", "--contact", "Mona Ali,+2010")
    assert request == SimIncoming(session="s1", sender="+201000000001", text="",
                                  contact=ContactCard(name="Mona Ali", phone="+2010"))  # fmt: skip


def test_react_edit_revoke() -> None:
    who = ("s1", "--from", "+201000000001", "--id", "3EB0AA")
    assert parsed("react", *who, "--emoji", "👍") == SimReact(
        session="s1", sender="+201000000001", message_id="3EB0AA", emoji="👍"
    )
    assert parsed("edit", *who, "--text", "fixed", "--from-me") == SimEdit(
        session="s1", sender="+201000000001", message_id="3EB0AA", text="fixed", from_me=True
    )
    assert parsed("revoke", *who, "--group", "120363@g.us") == SimRevoke(
        session="s1", sender="+201000000001", message_id="3EB0AA", group="120363@g.us"
    )


@pytest.mark.parametrize("flag", [("--location", "north"), ("--contact", "nobody")])
def test_malformed_cards_are_refused(flag: tuple[str, str]) -> None:
    with pytest.raises(SystemExit):
        parsed("incoming", "s1", "--from", "+201000000001", *flag)
