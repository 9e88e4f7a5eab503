"""Media: upload a file (the raw body), to send it as a message."""

from aiohttp import web

from contracts.ids import new_id
from contracts.media import Upload, upload_object
from runtime.media.usage import QuotaExceeded
from services.gateway.auth import tenant_of
from services.gateway.bodies import UploadParams, read_params
from services.gateway.errors import ApiError
from services.gateway.keys import MEDIA, SETTINGS, USAGE
from services.gateway.operations import Operations
from services.gateway.responses import json_response
from services.gateway.routes.webhook_checks import require_own_session
from services.gateway.uploads import receive_upload

ops = Operations("media")


@ops(
    "POST", "/v1/media",
    summary="Upload a file (the raw body, with its Content-Type); send it by its id",
    params=UploadParams, status=201, returns=Upload, raw_body="*/*", errors=(404, 413, 507),
)  # fmt: skip
async def upload_media(request: web.Request) -> web.Response:
    tenant, usage = tenant_of(request), request.app[USAGE]
    session = read_params(request, UploadParams).session_id
    await require_own_session(request, tenant, session)  # another's, or deleted: 404
    try:
        await usage.admit(tenant, request.content_length or 0)
        upload = await receive_upload(
            request, request.app[MEDIA], request.app[SETTINGS], tenant, new_id(), session=session
        )
        name = upload_object(tenant, upload.id)
        await usage.count_stored(request.app[MEDIA], tenant, name, upload.size)
    except QuotaExceeded as exc:
        raise over_quota(exc) from None
    return json_response(upload, 201)


def over_quota(exc: QuotaExceeded) -> ApiError:
    return ApiError(
        507, "media_quota_exceeded", "the tenant's media quota has no room for this file",
        {"quota": exc.quota, "used": exc.used, "size": exc.size},
    )  # fmt: skip
