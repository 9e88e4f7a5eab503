"""neonize's aioze ``is_connected`` / ``is_logged_in`` are properties that return a coroutine
(every Go call runs in a thread), so a bare ``if neo.is_connected`` is always true."""

import inspect

__all__ = ["go_flag"]


async def go_flag(value: object) -> bool:
    """The flag's real value: awaited when neonize hands back an awaitable."""
    if inspect.isawaitable(value):
        value = await value
    return bool(value)
