"""Whether a NATS server refuses a client, asked on a raw socket. nats-py sends PING right
behind CONNECT; a server that refuses the CONNECT and closes with that PING unread resets
the socket, and the client may see "Connection lost" instead of the refusal (one CI run in
hundreds). Here CONNECT goes alone, with ``verbose`` so that an accepted one is answered
too: the first line back is ``+OK`` or the server's ``-ERR``."""

import asyncio
import contextlib
import json
from urllib.parse import urlsplit

__all__ = ["Handshake", "connect_answer", "refused"]


class Handshake:
    """A raw client that has read the server's INFO and not yet sent its CONNECT."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._reader, self._writer = reader, writer

    @classmethod
    async def open(cls, url: str) -> "Handshake":
        parts = urlsplit(url)
        reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
        handshake = cls(reader, writer)
        try:
            await asyncio.wait_for(reader.readline(), 10)  # INFO {…}
        except BaseException:
            await handshake.close()
            raise
        return handshake

    async def connect(self, user: str | None = None, password: str | None = None) -> str:
        """The server's first line after our CONNECT (``+OK``, or ``-ERR '…'``)."""
        fields: dict[str, object] = {"verbose": True, "pedantic": False, "protocol": 1}
        if user is not None:
            fields |= {"user": user, "pass": password}
        self._writer.write(b"CONNECT %s\r\n" % json.dumps(fields).encode())
        await self._writer.drain()
        line = await asyncio.wait_for(self._reader.readline(), 10)
        return line.decode(errors="replace").strip()

    async def close(self) -> None:
        self._writer.close()
        with contextlib.suppress(OSError):
            await self._writer.wait_closed()


async def connect_answer(url: str, user: str | None = None, password: str | None = None) -> str:
    """The server's first line after our CONNECT (``+OK``, or ``-ERR '…'``)."""
    handshake = await Handshake.open(url)
    try:
        return await handshake.connect(user, password)
    finally:
        await handshake.close()


async def refused(url: str, user: str | None = None, password: str | None = None) -> bool:
    """The server refused the client as not authorized."""
    return "Authorization Violation" in await connect_answer(url, user, password)
