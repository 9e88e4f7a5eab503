"""A neonize worker process; the session service starts it (worker.process) and owns its pipes.

Its stdin carries the service's frames; the frames back go on what was its stdout, and fd 1
then points at stderr, so nothing else printed (by neonize, by Go) can corrupt them. At the end
of stdin (the service is gone) the worker exits: no client outlives the service that leased it.
"""

import asyncio
import os
import sys

from runtime.logging import configure_logging
from services.session.adapters.whatsapp.worker import protocol as p


async def serve(frames_out: int) -> None:
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    transport, proto = await loop.connect_write_pipe(
        asyncio.streams.FlowControlMixin, os.fdopen(frames_out, "wb")
    )
    writer = asyncio.StreamWriter(transport, proto, None, loop)
    first = await p.read_frame(reader)
    if first is None:
        return
    config = p.to_worker.decode(first)
    if not isinstance(config, p.Configure):
        raise SystemExit("a neonize worker must be configured first")
    import services.session.adapters.whatsapp.neonize  # noqa: F401  (loads neonize, no bot tag)
    from services.session.adapters.whatsapp.worker.host import WorkerHost

    host = WorkerHost(config, writer)
    while (frame := await p.read_frame(reader)) is not None:
        host.handle(p.to_worker.decode(frame))
    os._exit(0)  # the service is gone; Go threads would otherwise keep the process alive


def main() -> None:
    frames_out = os.dup(1)
    os.dup2(2, 1)
    configure_logging(
        "session-worker",
        fmt=os.environ.get("WA_LOG_FORMAT", "auto"),
        level=os.environ.get("WA_LOG_LEVEL", "info"),
    )
    asyncio.run(serve(frames_out))


if __name__ == "__main__":
    main()
