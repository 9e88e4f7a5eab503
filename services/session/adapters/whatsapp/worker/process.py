"""In the service: one running worker process, its pipes, and the calls waiting for answers."""

import asyncio
import itertools
import sys
from collections.abc import Callable

from runtime.logging import get_logger
from services.session.adapters.whatsapp.port import DropReason
from services.session.adapters.whatsapp.worker import protocol as p
from services.session.adapters.whatsapp.worker.heartbeat import Heartbeat, HeartbeatState

__all__ = ["WorkerGone", "WorkerProcess"]

log = get_logger("whatsapp.worker")
WORKER_MODULE = "services.session.adapters.whatsapp.worker"
EXIT_GRACE_S = 2.0
SEND_DRAIN_S = 75.0  # a recycle waits this long at most for the sends in flight


class WorkerGone(Exception):
    """The worker process ended before it answered."""


Route = Callable[["WorkerProcess", p.Event], None]


class WorkerProcess:
    def __init__(
        self,
        proc: asyncio.subprocess.Process,
        route: Route,
        beat: Heartbeat | None = None,
        ponged: Callable[["WorkerProcess"], None] = lambda _: None,
    ) -> None:
        self.proc, self._route, self._ponged = proc, route, ponged
        self.pid = proc.pid
        self._ids = itertools.count(1)
        self._waiting: dict[int, asyncio.Future[p.Reply]] = {}
        self._sends: set[int] = set()  # calls that are sends: a recycle waits for them
        self._retiring: asyncio.Task[None] | None = None
        self.ended = asyncio.Event()
        self.end_reason: DropReason = "worker_crashed"  # what its sessions are told
        loop = asyncio.get_running_loop()
        self.beats = HeartbeatState(beat or Heartbeat(), loop.time())
        self._heart = loop.create_task(self._beat()) if beat is not None else None
        self._reader = asyncio.create_task(self._read())

    @classmethod
    async def start(
        cls,
        config: p.Configure,
        route: Route,
        beat: Heartbeat | None = None,
        ponged: Callable[["WorkerProcess"], None] = lambda _: None,
    ) -> "WorkerProcess":
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            WORKER_MODULE,
            stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE,
        )
        worker = cls(proc, route, beat, ponged)
        worker.send(config)
        log.info("worker.started", pid=worker.pid)
        return worker

    @property
    def alive(self) -> bool:
        return not self.ended.is_set()

    @property
    def accepting(self) -> bool:
        """Alive and not being recycled: new clients may open in it."""
        return self.alive and self.end_reason != "worker_recycled"

    def send(self, message: p.ToWorker) -> None:
        stdin = self.proc.stdin
        if not self.alive or stdin is None or stdin.is_closing():
            raise WorkerGone(f"worker {self.pid} has ended")
        p.write_frame(stdin, message)

    async def call(self, client: int, op: p.Op, **fields: p.CallField) -> p.Reply:
        future: asyncio.Future[p.Reply] = asyncio.get_running_loop().create_future()
        call_id = next(self._ids)
        self._waiting[call_id] = future
        if op == "send_text":
            self._sends.add(call_id)
        try:
            self.send(p.Call(id=call_id, client=client, op=op, **fields))  # type: ignore[arg-type]
            return await future
        finally:
            self._waiting.pop(call_id, None)
            self._sends.discard(call_id)

    async def _read(self) -> None:
        assert self.proc.stdout is not None
        try:
            while (frame := await p.read_frame(self.proc.stdout)) is not None:
                match p.from_worker.decode(frame):
                    case p.Reply() as reply:
                        waiting = self._waiting.get(reply.id)
                        if waiting is not None and not waiting.done():
                            waiting.set_result(reply)
                    case p.Event() as event:
                        self._route(self, event)
                    case p.Pong(seq=seq, leaked_threads=leaked):
                        self.beats.pong(seq, leaked)
                        self._ponged(self)
        except Exception:
            log.exception("worker.bad_frame", pid=self.pid)
        finally:
            await self._reap()

    async def _reap(self) -> None:
        """Dead before anything is told: a process that closed its pipe but lives is killed.
        (Not at once: kill() polls, and would reap it before asyncio learns its exit code.)"""
        try:
            code = await asyncio.wait_for(self.proc.wait(), EXIT_GRACE_S)
        except TimeoutError:
            self.proc.kill()
            code = await self.proc.wait()
        self.ended.set()
        if self._heart is not None:
            self._heart.cancel()
        for waiting in self._waiting.values():
            if not waiting.done():
                waiting.set_exception(WorkerGone(f"worker {self.pid} ended (exit {code})"))
        log.warning("worker.ended", pid=self.pid, exit_code=code, reason=self.end_reason)

    async def _beat(self) -> None:
        loop = asyncio.get_running_loop()
        while self.alive:
            await asyncio.sleep(self.beats.beat.every_s)  # the heartbeat's period
            if not self.alive:
                return
            if self.beats.hung(loop.time()):
                log.error(
                    "worker.hung", pid=self.pid, unanswered=self.beats.sent - self.beats.answered
                )
                self.end_reason = "worker_hung"
                self.proc.kill()  # its pipe then ends, and _read reaps it as for any death
                return
            try:
                self.send(p.Ping(seq=self.beats.next_ping()))
            except WorkerGone:
                return

    def recycle(self) -> None:
        """End it on purpose, once the sends in flight have answered (new ones are refused as
        not sent): its stdin closes, so it exits (killed after a grace if not)."""
        if not self.accepting:
            return
        self.end_reason = "worker_recycled"
        log.warning("worker.recycling", pid=self.pid, leaked_threads=self.beats.leaked_threads)
        self._retiring = asyncio.get_running_loop().create_task(self._retire())

    async def _retire(self) -> None:
        sends = [self._waiting[i] for i in self._sends if i in self._waiting]
        if sends:
            await asyncio.wait(sends, timeout=SEND_DRAIN_S)
        if self.proc.stdin is not None:
            self.proc.stdin.close()

    async def kill(self) -> None:
        if self.proc.returncode is None:
            self.proc.kill()
        await self.ended.wait()
