"""Whether a NATS server refuses a client, asked on a raw socket. nats-py sends PING right
behind CONNECT; a server that refuses the CONNECT and closes with that PING unread resets
the socket, and the client may see "Connection lost" instead of the refusal (one CI run in
hundreds). Here CONNECT goes alone, with ``verbose`` so that an accepted one is answered
too: the first line back is ``+OK`` or the server's ``-ERR``."""

import asyncio
import contextlib
import json
from urllib.parse import urlsplit

__all__ = ["connect_answer", "refused"]


async def connect_answer(url: str, user: str | None = None, password: str | None = None) -> str:
    """The server's first line after our CONNECT (``+OK``, or ``-ERR '…'``)."""
    parts = urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        await asyncio.wait_for(reader.readline(), 10)  # INFO {…}
        fields: dict[str, object] = {"verbose": True, "pedantic": False, "protocol": 1}
        if user is not None:
            fields |= {"user": user, "pass": password}
        writer.write(b"CONNECT %s\r\n" % json.dumps(fields).encode())
        await writer.drain()
        return (await asyncio.wait_for(reader.readline(), 10)).decode(errors="replace").strip()
    finally:
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()


async def refused(url: str, user: str | None = None, password: str | None = None) -> bool:
    """The server refused the client as not authorized."""
    return "Authorization Violation" in await connect_answer(url, user, password)
