"""The store's tag-first reply becomes the client's body without being decoded."""

import msgspec

from contracts.commands import Refused
from contracts.queries import MessageList, SessionView
from services.gateway.adapters.backends import passed_on


def test_a_page_loses_its_tag_and_keeps_every_other_byte() -> None:
    page = b'"items":[{"type":"message","text":"\\u00e9"}],"next_cursor":null}'
    reply = b'{"type":"message_list",' + page
    body = passed_on(reply, MessageList, untagged=True)
    assert body == b"{" + page
    assert isinstance(body, bytes)
    assert passed_on(reply, MessageList, untagged=False) == reply


def test_another_reply_is_not_passed_on() -> None:
    refused = msgspec.json.encode(Refused(code="not_found", message="no such session"))
    assert passed_on(refused, MessageList, untagged=True) is None
    assert passed_on(b'{"type":"message_list","items":[]}', SessionView, untagged=False) is None
