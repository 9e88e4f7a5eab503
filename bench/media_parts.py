"""Pieces of the media benchmark: the stack's settings, files of a type, process memory."""

import asyncio
import os
import time
from collections.abc import Callable
from pathlib import Path

__all__ = ["ENV", "MB", "gateway_rss", "jpeg", "pdf", "wait_for"]

MB = 1_000_000
ENV = {
    "PATH": "/usr/bin:/bin",
    "WA_LOG_LEVEL": "warning",
    "WA_GATEWAY_RATE_PER_S": "0",
    # pacing off: the figure is the data path, not the deliberate wait between sends
    "WA_SEND_MIN_SPACING_S": "0",
    "WA_SEND_JITTER_S": "0",
    "WA_SEND_PER_MINUTE": "60000",
    "WA_SEND_BURST": "1000",
}


def jpeg(size: int) -> bytes:
    """``size`` bytes that sniff as a JPEG (its signature, then random bytes)."""
    head = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
    return head + os.urandom(size - len(head))


def pdf(size: int) -> bytes:
    head = b"%PDF-1.7\n"
    return head + os.urandom(size - len(head))


def gateway_rss(pid: int, field: str) -> float:
    """``VmRSS`` (now) or ``VmHWM`` (the peak so far) of a process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no {field}")


async def wait_for(condition: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError("the benchmark's condition never held")
        await asyncio.sleep(0.01)
