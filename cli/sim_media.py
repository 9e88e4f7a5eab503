"""``wa sim incoming --media``: small files travel in the request; larger ones (NATS carries
1 MiB a message by default) go to the object store first, and the request names them."""

import argparse
import secrets
from collections.abc import AsyncIterator

import msgspec
from nats.aio.client import Client

from contracts.simulator import SimIncoming, SimIncomingMedia

__all__ = ["INLINE_LIMIT", "with_media"]

INLINE_LIMIT = 512 * 1024  # base64 grows it by a third: still well under 1 MiB


async def with_media(nc: Client, request: SimIncoming, args: argparse.Namespace) -> SimIncoming:
    data = args.media.read_bytes()
    media = SimIncomingMedia(
        kind=args.kind, mime=args.mime, filename=args.filename or args.media.name
    )
    if len(data) <= INLINE_LIMIT:
        media = msgspec.structs.replace(media, data=data)
    else:
        from runtime.media.store import MediaStore  # only a large file needs it (and its logging)

        name = f"sim.{request.session}.{secrets.token_hex(8)}"
        await MediaStore(nc.jetstream()).put(name, _chunks(data), headers={})
        media = msgspec.structs.replace(media, object=name)
    return msgspec.structs.replace(request, media=media)


async def _chunks(data: bytes) -> AsyncIterator[bytes]:
    yield data  # the store cuts it into its own chunks
