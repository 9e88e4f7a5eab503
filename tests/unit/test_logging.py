"""runtime.logging in a fresh process: the standard library's loggers (aiohttp's, warnings)
write JSON lines too, and a secret quoted in any text of a line is redacted."""

import json
import subprocess
import sys
from pathlib import Path

from runtime.logging import scrub

ROOT = Path(__file__).resolve().parents[2]
KEY = "wa_" + "k" * 43
ADMIN = "s3cret-admin-token-of-the-operator"

PROGRAM = f"""
import logging, warnings
from runtime.logging import configure_logging, get_logger
configure_logging("t", fmt="json", level="debug")
try:
    raise ValueError("Invalid HTTP header: b'Authorization: Bearer {ADMIN}\\\\x01'")
except ValueError:
    logging.getLogger("aiohttp.server").exception("Error handling request from %s", "1.2.3.4")
logging.getLogger("aiohttp.access").info('1.2.3.4 "GET /x HTTP/1.1" 200 %s', "bearer  {KEY}")
logging.getLogger("aiohttp.web").warning("a key %s", "{KEY}")
warnings.warn("deprecated thing")
get_logger("ours").info("ours", note="presented {KEY}", api_key="{KEY}")
"""


def test_every_line_is_json_and_no_secret_survives() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM], cwd=ROOT, capture_output=True, text=True, check=True
    )
    lines = done.stderr.splitlines()
    events = [json.loads(line) for line in lines]  # each line is one JSON object
    loggers = {event.get("logger") for event in events}
    assert {"aiohttp.server", "aiohttp.access", "aiohttp.web", "py.warnings"} <= loggers
    assert KEY not in done.stderr and ADMIN not in done.stderr, done.stderr
    (server,) = [event for event in events if event.get("logger") == "aiohttp.server"]
    assert server["level"] == "error" and "Bearer [redacted]" in server["exception"]


def test_scrub_hides_bearer_credentials_and_our_key_formats() -> None:
    assert scrub(f"Authorization: Bearer {ADMIN}, next") == "Authorization: Bearer [redacted], next"
    assert scrub(f"key={KEY}!") == "key=[redacted]!"
    assert scrub("adm_" + "x" * 32 + " whsec_" + "y" * 43) == "[redacted] [redacted]"
    assert scrub("wa_tenants and Bearerless text") == "wa_tenants and Bearerless text"
