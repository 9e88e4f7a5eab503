"""Media: upload a file (a raw body or a multipart form), to send it as a message."""

from aiohttp import web

from contracts.ids import new_id
from contracts.media import Upload
from services.gateway.auth import tenant_of
from services.gateway.bodies import UploadParams
from services.gateway.incoming_files import FORM_FIELD
from services.gateway.keys import MEDIA, SETTINGS
from services.gateway.operations import Operations
from services.gateway.responses import json_response
from services.gateway.uploads import receive_upload

ops = Operations("media")


@ops(
    "POST", "/v1/media",
    summary="Upload a file (the raw body with its Content-Type, or the multipart/form-data "
    "field `file`); send it by its id",
    params=UploadParams, status=201, returns=Upload, raw_body="*/*", form_file=FORM_FIELD,
)  # fmt: skip
async def upload_media(request: web.Request) -> web.Response:
    tenant = tenant_of(request)
    upload = await receive_upload(
        request, request.app[MEDIA], request.app[SETTINGS], tenant, new_id()
    )
    return json_response(upload, 201)
