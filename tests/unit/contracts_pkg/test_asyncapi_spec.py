"""docs/asyncapi.json is a valid AsyncAPI 3.0 document by the AsyncAPI project's own JSON
Schema (vendored in asyncapi_spec/, the one ``@asyncapi/parser`` validates with): other
teams' tooling parses it."""

import json
from pathlib import Path
from typing import Any

import jsonschema_rs
import pytest

from cli import docs
from contracts.asyncapi import asyncapi_document

SPEC = Path(__file__).parent / "asyncapi_spec" / "asyncapi-3.0.0.schema.json"


@pytest.fixture(scope="module")
def validator() -> Any:
    return jsonschema_rs.validator_for(json.loads(SPEC.read_text()))


def _errors(validator: Any, document: Any) -> list[str]:
    return [f"{'/'.join(map(str, e.instance_path))}: {e.message[:200]}"
            for e in validator.iter_errors(document)]  # fmt: skip


def test_the_published_asyncapi_document_is_valid_asyncapi_3(validator: Any) -> None:
    assert _errors(validator, json.loads(docs.ASYNCAPI_JSON.read_text())) == []


def test_the_schemas_use_asyncapis_discriminator_a_property_name() -> None:
    """msgspec writes OpenAPI's discriminator object; AsyncAPI wants the name alone."""
    envelope = asyncapi_document("1.0.0")["components"]["schemas"]["Envelope"]
    assert envelope["properties"]["payload"]["discriminator"] == "type"


def test_the_vendored_schema_refuses_an_openapi_discriminator(validator: Any) -> None:
    """The check can fail: the document as it was before the fix does."""
    document = asyncapi_document("1.0.0")
    payload = document["components"]["schemas"]["Envelope"]["properties"]["payload"]
    payload["discriminator"] = {"propertyName": "type", "mapping": {}}
    errors = _errors(validator, document)
    assert errors and "Envelope/properties/payload/discriminator" in errors[0]
