"""structlog set-up: JSON in production, key=value on a terminal; secrets redacted. The
standard library's loggers (aiohttp's among them) write through the same renderer."""

import logging
import re
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

__all__ = ["configure_logging", "get_logger", "scrub"]

SECRET_KEYS = frozenset(
    {
        "qr",
        "qr_code",
        "pairing_code",
        "api_key",
        "token",
        "admin_token",
        "secret",
        "password",
        "key",
    }
)


def _redact(_: Any, __: str, event: MutableMapping[str, Any]) -> MutableMapping[str, Any]:
    for key in SECRET_KEYS.intersection(event):
        event[key] = "[redacted]"
    return event


# Secrets quoted inside text (an exception's message, a library's line): a bearer credential,
# and our own key formats (tenant keys, the generated admin token, webhook secrets).
_QUOTED_SECRET = re.compile(
    r"(?i)(?<![A-Za-z0-9])(bearer)\s+[^\s\"'\\,;]+|\b(?:wa|adm|whsec)_[A-Za-z0-9_-]{16,}"
)


def scrub(text: str) -> str:
    """``text`` with every quoted secret replaced by ``[redacted]``."""
    return _QUOTED_SECRET.sub(lambda m: f"{m[1]} [redacted]" if m[1] else "[redacted]", text)


class _Scrubbed:
    """A renderer whose every line is scrubbed of quoted secrets."""

    def __init__(self, renderer: Any) -> None:
        self._renderer = renderer

    def __call__(self, logger: Any, name: str, event: MutableMapping[str, Any]) -> str:
        return scrub(str(self._renderer(logger, name, event)))


class _ToStructlog(logging.Handler):
    """The standard library's loggers (aiohttp, asyncio, nats…) rendered as our own lines."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            message = record.getMessage()
            logger = structlog.get_logger(record.name)
            emit = getattr(logger, record.levelname.lower(), logger.info)
            extra = {"exc_info": record.exc_info} if record.exc_info else {}
            emit(message, logger=record.name, **extra)
        except Exception:
            self.handleError(record)


def configure_logging(service: str, *, fmt: str = "auto", level: str = "info") -> None:
    json_output = fmt == "json" or (fmt == "auto" and not sys.stderr.isatty())
    renderer: Any = _Scrubbed(
        structlog.processors.JSONRenderer()
        if json_output
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    threshold = logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
    logging.basicConfig(handlers=[_ToStructlog()], level=threshold, force=True)
    logging.captureWarnings(True)
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            _redact,
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(threshold),
        logger_factory=structlog.PrintLoggerFactory(file=sys.stderr),
        cache_logger_on_first_use=True,
    )
    structlog.contextvars.bind_contextvars(service=service)


def get_logger(name: str) -> Any:
    return structlog.get_logger(name)
