"""A send's ``"url"``: the file fetched by the gateway with the webhooks' public-address guard
(runtime.public_http), streamed into the object store as an upload (same sniffing, same
limits), then sent as uploads are. Redirects are not followed: each hop would need judging."""

from posixpath import basename
from urllib.parse import unquote, urlsplit

import aiohttp
import msgspec

from contracts.media import MediaDescriptor, Upload, upload_object
from runtime.public_http.client import BLOCKED
from runtime.public_http.targets import BadTarget, check_target
from runtime.settings import Settings
from services.gateway.bodies.requests import MediaRef
from services.gateway.http.errors import ApiError
from services.gateway.service_layer.outgoing_media import media_to_send
from services.gateway.service_layer.ports import MediaObjects, MediaQuota
from services.gateway.service_layer.uploads import IncomingFile, checked_filename, keep_upload

__all__ = ["fetch_upload", "fetched_media_to_send"]

ALLOWED_BY = "WA_MEDIA_FETCH_ALLOW_LOOPBACK admits loopback hosts, never private ones"


async def fetch_upload(
    http: aiohttp.ClientSession, usage: MediaQuota, store: MediaObjects, settings: Settings,
    tenant: str, url: str,
) -> Upload:  # fmt: skip
    """The file at ``url`` (fetched by ``http``, the client of runtime.public_http that
    refuses private peers), kept as a new upload of ``tenant``; refusals are 4xx."""
    try:
        check_target(url, allow_loopback=settings.media_fetch_allow_loopback,
                     allowed_by=ALLOWED_BY)  # fmt: skip
    except BadTarget as exc:
        raise _refused(exc.message, exc.reason) from exc
    timeout = aiohttp.ClientTimeout(total=settings.media_fetch_timeout_s)
    try:
        async with http.get(url, allow_redirects=False, timeout=timeout) as resp:
            if resp.status != 200:
                raise ApiError(422, "media_fetch_failed", f"the URL answered HTTP {resp.status}",
                               {"status": resp.status})  # fmt: skip
            incoming = IncomingFile(
                read=resp.content.read, claimed=resp.headers.get("Content-Type", ""),
                declared=resp.content_length, filename=_filename_in(url),
            )  # fmt: skip
            return await keep_upload(usage, store, settings, tenant, incoming)
    except TimeoutError as exc:
        raise ApiError(422, "media_fetch_failed", "fetching the URL timed out") from exc
    except aiohttp.ClientError as exc:
        if BLOCKED in str(getattr(exc, "os_error", "")):
            raise _refused(f"{BLOCKED} ({ALLOWED_BY})", "private_address") from exc
        raise ApiError(422, "media_fetch_failed", f"fetching the URL failed: {type(exc).__name__}",
                       {"reason": type(exc).__name__}) from exc  # fmt: skip


async def fetched_media_to_send(
    http: aiohttp.ClientSession, usage: MediaQuota, store: MediaObjects, settings: Settings,
    tenant: str, ref: MediaRef, url: str,
) -> MediaDescriptor:  # fmt: skip
    """The file at ``url`` as a send's media; one its kind cannot carry is not kept."""
    upload = await fetch_upload(http, usage, store, settings, tenant, url)
    ref = msgspec.structs.replace(ref, id=upload.id, url=None)
    try:
        return await media_to_send(store, settings, tenant, ref)
    except ApiError:
        await store.delete(upload_object(tenant, upload.id))
        raise


def _refused(message: str, reason: str) -> ApiError:
    return ApiError(422, "media_url_refused", message, {"reason": reason})


def _filename_in(url: str) -> str | None:
    try:
        return checked_filename(unquote(basename(urlsplit(url).path)))
    except ApiError:
        return None  # a name it cannot carry: the file keeps none
