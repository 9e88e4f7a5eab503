"""Declared operations: each route says who may call it and what it takes and returns.

The declaration registers the aiohttp route, enforces its authentication, and is what the
OpenAPI document is generated from, so the document cannot drift from the code."""

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from aiohttp import web

from services.gateway.http.access import admit
from services.gateway.http.idempotency import answer_once

__all__ = ["Auth", "Handler", "Operation", "Operations"]

Auth = Literal["admin", "tenant", "none"]
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True, kw_only=True)
class Operation:
    """One method on one path, as documented."""

    method: str
    path: str
    summary: str
    tag: str
    auth: Auth
    status: int  # the success status
    returns: Any = None  # a Struct type, or None for no body
    media: dict[str, Any] = field(default_factory=dict)  # other media types: schema
    body: Any = None
    params: Any = None
    errors: tuple[int, ...] = ()
    other: dict[int, Any] = field(default_factory=dict)  # statuses with their own body type
    idempotent: bool = False  # takes an Idempotency-Key (idempotency.py)
    raw_body: str | None = None  # a body of any bytes, of this media type (not JSON)
    form_file: str | None = None  # also multipart/form-data, the file in this field

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"{(\w+)}", self.path)

    @property
    def operation_id(self) -> str:
        words = re.sub(r"[{}]", "", self.path).strip("/").replace("/", "_").replace("-", "_")
        return f"{self.method.lower()}_{words}"

    def error_statuses(self) -> list[int]:
        found = set(self.errors)
        if self.auth != "none":
            found |= {400, 401, 429, 503}  # 400: two Authorization headers
        if self.body is not None or self.raw_body:
            found |= {400, 413, 422}
        if self.params is not None:
            found.add(422)
        if self.path_params:
            found.add(404)
        if self.idempotent:
            found |= {400, 409, 422}
        return sorted(found - set(self.other))


class Operations:
    """A route table whose entries are documented operations."""

    def __init__(self, tag: str) -> None:
        self.tag = tag
        self.routes = web.RouteTableDef()
        self.items: list[Operation] = []

    def __call__(
        self,
        method: str,
        path: str,
        *,
        summary: str,
        status: int = 200,
        returns: Any = None,
        auth: Auth = "tenant",
        body: Any = None,
        params: Any = None,
        errors: tuple[int, ...] = (),
        media: dict[str, Any] | None = None,
        other: dict[int, Any] | None = None,
        idempotent: bool = False,
        raw_body: str | None = None,
        form_file: str | None = None,
    ) -> Callable[[Handler], Handler]:
        operation = Operation(
            method=method,
            path=path,
            summary=summary,
            tag=self.tag,
            auth=auth,
            status=status,
            returns=returns,
            media=media or {},
            body=body,
            params=params,
            errors=errors,
            other=other or {},
            idempotent=idempotent,
            raw_body=raw_body,
            form_file=form_file,
        )

        def register(handler: Handler) -> Handler:
            async def guarded(request: web.Request) -> web.StreamResponse:
                if auth != "none":
                    await admit(request, auth)
                if idempotent:
                    return await answer_once(request, handler, f"{method} {path}")
                return await handler(request)

            guarded.__name__ = handler.__name__
            guarded.__doc__ = handler.__doc__
            self.routes.route(method, path)(guarded)
            self.items.append(operation)
            return handler

        return register
