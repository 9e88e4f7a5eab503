"""neonize's aioze ``is_connected`` / ``is_logged_in`` are properties that return a coroutine
(every Go call runs in a thread), so a bare ``if neo.is_connected`` is always true."""

import inspect

from neonize.aioze.client import NewAClient

__all__ = ["go_flag", "is_connected"]


async def go_flag(value: object) -> bool:
    """The flag's real value: awaited when neonize hands back an awaitable."""
    if inspect.isawaitable(value):
        value = await value
    return bool(value)


async def is_connected(neo: NewAClient) -> bool:
    """The client's ``is_connected``, its Go call made only once this coroutine runs."""
    return await go_flag(neo.is_connected)
