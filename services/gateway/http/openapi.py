"""The OpenAPI 3.1 document, generated from the declared operations and the msgspec types
that validate requests and shape responses (``msgspec.json.schema_components``)."""

from collections.abc import Iterable
from typing import Any

import msgspec

from contracts.ids import ID_PATTERN
from services.gateway.bodies.responses import ErrorBody
from services.gateway.domain.idempotency import KEY_HEADER, MAX_KEY_LENGTH
from services.gateway.http.idempotency import REPLAYED_HEADER
from services.gateway.http.operations import Operation

__all__ = ["build_openapi"]

REF = "#/components/schemas/{name}"
REASONS = {
    400: "Malformed JSON, or a malformed Idempotency-Key",
    401: "Missing or unknown key",
    403: "Not allowed: an altered signed link, a group call needing admin rights, or someone "
    "else's message",
    404: "Unknown, or another tenant's",
    409: "Conflicts with the resource's state (or the Idempotency-Key's request still runs)",
    410: "Gone: the file expired or could not be kept",
    413: "Body too large",
    416: "The range lies outside the file",
    422: "Invalid input (or an Idempotency-Key first used with another request)",
    429: "Rate limited (see Retry-After), or paced: a WhatsApp call must wait (retry_after_s)",
    501: "Not implemented by this WhatsApp adapter",
    502: "WhatsApp refused, failed or did not answer the call",
    503: "A backend is unavailable",
    507: "The tenant's media quota has no room for the file (media_quota_exceeded)",
}
IDEMPOTENCY_KEY = {
    "name": KEY_HEADER,
    "in": "header",
    "required": False,
    "description": (
        "Any string of your choice (a UUID is good). A repeat with the same key and body "
        "within 24 h gets the first answer again (with Idempotent-Replayed: true) and does "
        "nothing again; another body with the key is a 422 (idempotency_key_reused); while "
        "the first request still runs, a repeat waits for its answer, then is a 409 "
        "(idempotency_request_in_progress). 5xx, 429 and 409 answers are not kept."
    ),
    "schema": {"type": "string", "minLength": 1, "maxLength": MAX_KEY_LENGTH,
               "pattern": "^[ -~]+$"},
}  # fmt: skip
REPLAYED = {
    REPLAYED_HEADER: {
        "description": "true when this is the kept answer to an earlier request with the key",
        "schema": {"type": "string", "enum": ["true"]},
    }
}
SECURITY: dict[str, list[dict[str, list[str]]]] = {
    "admin": [{"adminToken": []}],
    "tenant": [{"apiKey": []}],
    "none": [],
}


def _types(ops: Iterable[Operation]) -> list[Any]:
    found: list[Any] = [ErrorBody]
    for op in ops:
        for kind in (op.returns, op.body, op.params, *op.other.values()):
            if kind is not None and kind not in found:
                found.append(kind)
    return found


def _not_null(schema: dict[str, Any]) -> dict[str, Any]:
    """A query parameter is absent rather than null: drop the null branch of ``X | None``."""
    options = [s for s in schema.get("anyOf", []) if s != {"type": "null"}]
    if len(options) == 1 and len(schema.get("anyOf", [])) == 2:
        rest = {k: v for k, v in schema.items() if k not in ("anyOf", "default")}
        merged: dict[str, Any] = rest | options[0]
        return merged
    return schema


def _parameters(op: Operation, components: dict[str, Any]) -> list[dict[str, Any]]:
    params: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True,
         "schema": {"type": "string", "pattern": ID_PATTERN}}
        for name in op.path_params
    ]  # fmt: skip
    if op.idempotent:
        params.append(IDEMPOTENCY_KEY)
    if op.params is not None:
        struct = components[op.params.__name__]
        for name, schema in struct.get("properties", {}).items():
            required = name in struct.get("required", [])
            params.append(
                {"name": name, "in": "query", "required": required, "schema": _not_null(schema)}
            )
    return params


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _operation(op: Operation, schema_of: dict[Any, Any], components: dict[str, Any]) -> Any:
    ok: dict[str, Any] = {"description": "Success"}
    content = {"application/json": {"schema": schema_of[op.returns]}} if op.returns else {}
    content |= {media: {"schema": schema} for media, schema in op.media.items()}
    if content:
        ok["content"] = content
    if op.idempotent:
        ok["headers"] = REPLAYED
    responses: dict[str, Any] = {str(op.status): ok}
    for status, kind in op.other.items():
        responses[str(status)] = {"description": REASONS.get(status, "")} | _json(schema_of[kind])
    for status in op.error_statuses():
        responses[str(status)] = {"description": REASONS[status]} | _json(schema_of[ErrorBody])
    document: dict[str, Any] = {
        "operationId": op.operation_id,
        "summary": op.summary,
        "tags": [op.tag],
        "security": SECURITY[op.auth],
        "parameters": _parameters(op, components),
        "responses": responses,
    }
    if op.body is not None:
        document["requestBody"] = {"required": True} | _json(schema_of[op.body])
    if op.raw_body:
        binary = {"schema": {"type": "string", "format": "binary"}}
        bodies: dict[str, Any] = {op.raw_body: binary}
        if op.form_file:
            form = {"type": "object", "required": [op.form_file],
                    "properties": {op.form_file: binary["schema"]}}  # fmt: skip
            bodies["multipart/form-data"] = {"schema": form}
        document["requestBody"] = {"required": True, "content": bodies}
    return document


def build_openapi(ops: list[Operation], *, version: str = "1.0.0") -> dict[str, Any]:
    kinds = _types(ops)
    schemas, components = msgspec.json.schema_components(kinds, ref_template=REF)
    schema_of = dict(zip(kinds, schemas, strict=True))
    paths: dict[str, dict[str, Any]] = {}
    for op in ops:
        paths.setdefault(op.path, {})[op.method.lower()] = _operation(op, schema_of, components)
    for op in ops:  # query strings became parameters; their Structs are not bodies
        if op.params is not None:
            components.pop(op.params.__name__, None)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "wa-platform gateway",
            "version": version,
            "description": "WhatsApp sessions, messages, reminders and live events, per tenant.",
        },
        "paths": paths,
        "components": {
            "schemas": components,
            "securitySchemes": {
                "apiKey": {"type": "http", "scheme": "bearer", "description": "A tenant's key"},
                "adminToken": {"type": "http", "scheme": "bearer", "description": "WA_ADMIN_TOKEN"},
            },
        },
    }
