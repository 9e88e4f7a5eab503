"""Media: upload a file (a raw body or a multipart form), to send it as a message."""

from aiohttp import web

from contracts.media import Upload
from services.gateway.bodies.requests import UploadParams, read_params
from services.gateway.bodies.responses import json_response
from services.gateway.http.auth import tenant_of
from services.gateway.http.incoming_files import FORM_FIELD, request_file
from services.gateway.http.keys import MEDIA, SETTINGS, USAGE
from services.gateway.http.operations import Operations
from services.gateway.routes.webhook_checks import require_own_session
from services.gateway.service_layer.uploads import keep_upload

ops = Operations("media")


@ops(
    "POST", "/v1/media",
    summary="Upload a file (the raw body with its Content-Type, or the multipart/form-data "
    "field `file`); send it by its id",
    params=UploadParams, status=201, returns=Upload, raw_body="*/*", form_file=FORM_FIELD,
    errors=(404, 413, 507),
)  # fmt: skip
async def upload_media(request: web.Request) -> web.Response:
    tenant = tenant_of(request)
    session = read_params(request, UploadParams).session_id
    await require_own_session(request, tenant, session)  # another's, or deleted: 404
    app = request.app
    incoming = await request_file(request)
    upload = await keep_upload(app[USAGE], app[MEDIA], app[SETTINGS], tenant, incoming,
                               session=session)  # fmt: skip
    return json_response(upload, 201)
