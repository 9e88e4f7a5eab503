"""A thread pool that knows how many of its threads are taken (neonize holds one per client),
and can tell a caller when its call got a thread (``GoCallStart``)."""

import asyncio
import contextlib
import contextvars
import threading
from collections.abc import Awaitable, Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

__all__ = ["CallNeverStarted", "CountedThreadPool", "GoCallStart"]

P = ParamSpec("P")
T = TypeVar("T")


class CallNeverStarted(Exception):
    """The job was abandoned before a thread took it: it never ran."""


class GoCallStart:
    """Set as the current one, marks when the first pool job submitted under it starts; until
    then the caller may ``abandon`` it, and the job then never runs."""

    _current: contextvars.ContextVar["GoCallStart | None"] = contextvars.ContextVar(
        "go_call_start", default=None
    )

    def __init__(self) -> None:
        self._loop = asyncio.get_running_loop()
        self.started = asyncio.Event()
        self._lock = threading.Lock()
        self._state = "waiting"

    @contextlib.contextmanager
    def marking(self) -> Iterator[None]:
        """Pool jobs submitted meanwhile (or by tasks created meanwhile) report to this one."""
        token = self._current.set(self)
        try:
            yield
        finally:
            self._current.reset(token)

    def submit_under(self, make: Callable[[], Awaitable[T]]) -> "asyncio.Future[T]":
        """``make()``'s coroutine as a task whose pool jobs report to this marker."""
        with self.marking():
            return asyncio.ensure_future(make())  # the task copies the context: the marker

    def _begin(self) -> bool:
        with self._lock:
            if self._state == "abandoned":
                return False
            first, self._state = self._state == "waiting", "started"
        if first:
            self._loop.call_soon_threadsafe(self.started.set)
        return True

    def abandon(self) -> bool:
        """True when no job had started: none will. False when one already runs."""
        with self._lock:
            if self._state == "started":
                return False
            self._state = "abandoned"
            return True


class CountedThreadPool(ThreadPoolExecutor):
    def __init__(self, size: int, *, thread_name_prefix: str) -> None:
        super().__init__(size, thread_name_prefix=thread_name_prefix)
        self.size = size
        self._lock = threading.Lock()
        self._taken = 0

    @property
    def in_use(self) -> int:
        """Jobs running or waiting for a thread."""
        return self._taken

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> "Future[T]":
        marker = GoCallStart._current.get()
        if marker is not None:
            fn = _reporting(marker, fn)
        with self._lock:
            self._taken += 1
        try:
            future = super().submit(fn, *args, **kwargs)
        except BaseException:
            self._release(None)
            raise
        future.add_done_callback(self._release)
        return future

    def _release(self, _: "Future[Any] | None") -> None:
        with self._lock:
            self._taken -= 1


def _reporting(marker: GoCallStart, fn: Callable[P, T]) -> Callable[P, T]:
    def run(*args: P.args, **kwargs: P.kwargs) -> T:
        if not marker._begin():
            raise CallNeverStarted("abandoned before a thread took it")
        return fn(*args, **kwargs)

    return run
