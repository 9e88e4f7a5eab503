"""The reference for the gateway row: a bare aiohttp handler returning a fixed body.

.venv/bin/python -m bench.bare_http PORT BODY_FILE
"""

import sys
from pathlib import Path

from aiohttp import web


def main(port: int, body: bytes) -> None:
    async def fixed(_: web.Request) -> web.Response:
        return web.Response(body=body, content_type="application/json")

    app = web.Application()
    app.router.add_get("/{tail:.*}", fixed)
    web.run_app(app, host="127.0.0.1", port=port, print=None, access_log=None)


if __name__ == "__main__":
    main(int(sys.argv[1]), Path(sys.argv[2]).read_bytes())
