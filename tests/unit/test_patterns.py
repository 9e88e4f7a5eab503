"""Patterns match whole strings: msgspec's ``Meta(pattern=...)`` is a ``re.search``, where "$"
also matches before a final newline; the same pattern, in JSON Schema, must mean the same."""

from typing import Annotated, Any

import jsonschema_rs
import msgspec
import pytest

from contracts.ids import ID_PATTERN
from contracts.patterns import whole
from services.gateway.bodies.requests import AsciiAddress, Cursor, Id

Token = Annotated[str, msgspec.Meta(pattern=whole("[a-z]{1,8}"))]


@pytest.mark.parametrize("kind", [Token, Id, Cursor, AsciiAddress])
def test_a_final_newline_is_refused(kind: Any) -> None:
    assert msgspec.convert("abc", kind) == "abc"
    for bad in ["abc\n", "abc\r\n", "\nabc"]:
        with pytest.raises(msgspec.ValidationError):
            msgspec.convert(bad, kind)


def test_the_same_pattern_holds_in_json_schema() -> None:
    for schema in [msgspec.json.schema(Token), {"type": "string", "pattern": ID_PATTERN}]:
        assert jsonschema_rs.is_valid(schema, "abc")
        assert not jsonschema_rs.is_valid(schema, "abc\n")
        assert not jsonschema_rs.is_valid(schema, "a.c")
