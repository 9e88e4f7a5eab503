"""docs/contracts.md and docs/asyncapi.json are generated from the contracts: they must be
current, complete, and their examples and references must hold."""

from typing import Any

import jsonschema_rs
import msgspec
import pytest

from cli import docs
from cli.contracts_doc import BEGIN, END, splice
from contracts.asyncapi import asyncapi_document, channel_id
from contracts.codec import decode_event
from contracts.events import EVENT_TYPES
from contracts.examples import example_envelope
from contracts.schema import json_schema
from contracts.subjects import event_subject


def test_the_committed_contracts_document_is_current() -> None:
    current = docs.CONTRACTS_MD.read_text()
    assert current == docs.contracts_markdown(current), "run `wa docs contracts`"


def test_the_committed_asyncapi_document_is_current() -> None:
    assert docs.ASYNCAPI_JSON.read_text() == docs.asyncapi_json(), "run `wa docs asyncapi`"


def test_the_contracts_document_covers_every_event_and_the_policies() -> None:
    text = docs.CONTRACTS_MD.read_text()
    for kind in EVENT_TYPES:
        assert f"### {kind}\n" in text
        assert f"`{event_subject('<tenant>', '<session>', kind)}`" in text
    for topic in ("## Delivery guarantees", "## Ordering", "## Versioning policy",
                  "CURRENT_VERSIONS", "contracts/upcasting.py", "Nats-Msg-Id"):  # fmt: skip
        assert topic in text
    assert docs.EXAMPLE_SUBSCRIBER.read_text().strip() in text


def test_splice_replaces_only_the_generated_block() -> None:
    assert splice(f"a\n{BEGIN}\nold\n{END}\nb\n", "new") == f"a\n{BEGIN}\nnew\n{END}\nb\n"
    with pytest.raises(ValueError):
        splice("no markers", "new")


@pytest.mark.parametrize("kind", sorted(EVENT_TYPES))
def test_each_example_is_valid_under_the_json_schema(kind: str) -> None:
    schema = json_schema()
    envelope = example_envelope(kind)
    document = msgspec.to_builtins(envelope)
    ref = {"$ref": schema["x-events"][kind], "$defs": schema["$defs"]}
    jsonschema_rs.validate(ref, document["payload"])
    jsonschema_rs.validate({"$ref": "#/$defs/Envelope", "$defs": schema["$defs"]}, document)
    assert decode_event(msgspec.json.encode(envelope)) == envelope


def _resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref[2:].split("/"):
        assert part in node, f"dangling reference {ref}"
        node = node[part]
    return node


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for value in node for r in _refs(value)]
    return []


def test_asyncapi_has_a_channel_per_event_type_with_subject_and_parameters() -> None:
    document = asyncapi_document("9.9.9")
    assert document["asyncapi"] == "3.0.0" and document["info"]["version"] == "9.9.9"
    assert set(document["channels"]) == {channel_id(kind) for kind in EVENT_TYPES}
    for kind in EVENT_TYPES:
        key = channel_id(kind)
        channel = document["channels"][key]
        assert channel["address"] == f"wa.evt.{{tenant}}.{{session}}.{kind}"
        assert set(channel["parameters"]) == {"tenant", "session"}
        operation = document["operations"][f"receive_{key}"]
        assert operation["action"] == "receive"
        assert _resolve(document, operation["channel"]["$ref"]) is channel
        message = _resolve(document, channel["messages"][key]["$ref"])
        envelope_schema = _resolve(document, message["payload"]["$ref"])
        assert envelope_schema["properties"]["type"] == {"const": kind}
        payload_schema = _resolve(document, envelope_schema["properties"]["payload"]["$ref"])
        assert payload_schema["title"] == EVENT_TYPES[kind].__name__
        schema = {**envelope_schema, "components": document["components"]}
        jsonschema_rs.validate(schema, message["examples"][0]["payload"])


def test_every_asyncapi_reference_resolves() -> None:
    document = asyncapi_document("1.0.0")
    refs = _refs(document)
    assert len(refs) > 3 * len(EVENT_TYPES)
    for ref in refs:
        _resolve(document, ref)
