"""A thread pool that knows how many of its threads are taken (neonize holds one per client)."""

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

__all__ = ["CountedThreadPool"]

P = ParamSpec("P")
T = TypeVar("T")


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
