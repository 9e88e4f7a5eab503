"""Running a service process: logging, signals, and a clean stop."""

import asyncio
import signal
from collections.abc import Awaitable, Callable

from runtime.logging import configure_logging, get_logger
from runtime.settings import Settings, load_settings

__all__ = ["ServiceMain", "run_service"]

ServiceMain = Callable[[Settings, asyncio.Event], Awaitable[None]]


def run_service(name: str, main: ServiceMain) -> None:
    """Run ``main(settings, stop)`` until SIGINT/SIGTERM sets ``stop``."""
    settings = load_settings()
    configure_logging(name, fmt=settings.log_format, level=settings.log_level)
    log = get_logger(name)

    async def runner() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        log.info("service.starting")
        await main(settings, stop)
        log.info("service.stopped")

    asyncio.run(runner())
