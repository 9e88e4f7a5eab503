"""The OpenAPI document is generated from the routes themselves: nothing undocumented."""

import json
from typing import Any

import pytest
import schemathesis
from aiohttp import web
from openapi_spec_validator import validate

from runtime.settings import load_settings
from services.gateway.app import create_app
from services.gateway.http.keys import OPENAPI


@pytest.fixture
def app() -> web.Application:
    return create_app(load_settings({}))


@pytest.fixture
def spec(app: web.Application) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(app[OPENAPI])
    return document


def _served(app: web.Application) -> set[tuple[str, str]]:
    found = set()
    for route in app.router.routes():
        path = route.resource.canonical if route.resource else ""
        if route.method != "HEAD" and path != "/" and not path.startswith("/console"):
            found.add((route.method.lower(), path))
    return found


def test_every_served_route_is_documented_and_nothing_else(
    app: web.Application, spec: dict[str, Any]
) -> None:
    documented = {(method, path) for path, ops in spec["paths"].items() for method in ops}
    assert documented == _served(app)


def test_every_operation_documents_its_errors_in_the_one_error_shape(
    spec: dict[str, Any],
) -> None:
    error_ref = {"$ref": "#/components/schemas/ErrorBody"}
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            statuses = set(op["responses"])
            if op["security"]:
                assert {"401", "429", "503"} <= statuses, (method, path)
            if "requestBody" in op:
                assert {"400", "413", "422"} <= statuses, (method, path)
            if "{" in path:
                assert "404" in statuses, (method, path)
            for status, response in op["responses"].items():
                if status.startswith("4"):
                    assert response["content"]["application/json"]["schema"] == error_ref


def test_request_schemas_come_from_the_validating_types(spec: dict[str, Any]) -> None:
    new_session = spec["components"]["schemas"]["NewSession"]
    assert new_session["required"] == ["name"]
    assert new_session["properties"]["name"] == {
        "type": "string",
        "minLength": 1,
        "maxLength": 200,
        "pattern": "^[^\\x00]*$",
    }
    assert new_session["additionalProperties"] is False  # forbid_unknown_fields
    pair = spec["paths"]["/v1/sessions/{session_id}/pair"]["post"]
    assert set(pair["responses"]) >= {"202", "409"}


def test_the_document_is_a_valid_openapi_31_schema(spec: dict[str, Any]) -> None:
    assert spec["openapi"] == "3.1.0"
    loaded = schemathesis.openapi.from_dict(spec)
    assert len(list(loaded.get_all_operations())) == sum(len(ops) for ops in spec["paths"].values())


def test_the_served_openapi_json_passes_openapi_spec_validator(app: web.Application) -> None:
    """The bytes ``GET /openapi.json`` answers with (routes/docs.py serves ``app[OPENAPI]``)."""
    validate(json.loads(app[OPENAPI]))


def test_operation_ids_are_unique(spec: dict[str, Any]) -> None:
    ids = [op["operationId"] for ops in spec["paths"].values() for op in ops.values()]
    assert len(ids) == len(set(ids))


def test_query_parameters_come_from_the_params_structs(spec: dict[str, Any]) -> None:
    params = spec["paths"]["/v1/sessions/{session_id}/messages"]["get"]["parameters"]
    by_name = {p["name"]: p for p in params}
    assert by_name["session_id"]["in"] == "path" and by_name["session_id"]["required"]
    assert by_name["limit"]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 200,
        "default": 50,
    }
    assert by_name["cursor"]["schema"]["type"] == "string"  # not "string or null"
    assert "MessageParams" not in spec["components"]["schemas"]
