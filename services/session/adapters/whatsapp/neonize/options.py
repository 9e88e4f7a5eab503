"""Tunables of the neonize adapter, and the process-wide set-up neonize needs."""

import asyncio
import logging
from datetime import timedelta

from neonize.aioze import events as neonize_events
from neonize.proto.waCompanionReg.WAWebProtobufsCompanionReg_pb2 import DeviceProps

from services.session.adapters.whatsapp.neonize.threads import CountedThreadPool

__all__ = ["DEFAULT_DEVICE_NAME", "NeonizeOptions", "device_props"]

DEFAULT_DEVICE_NAME = "WA Platform"


def device_props(name: str) -> DeviceProps:
    """How the phone lists this linked device (neonize's default says "Neonize")."""
    return DeviceProps(os=name, platformType=DeviceProps.SAFARI)


class NeonizeOptions:
    def __init__(
        self,
        *,
        late_after: timedelta = timedelta(seconds=60),
        send_timeout: timedelta = timedelta(seconds=60),
        qr_wait: timedelta = timedelta(seconds=30),
        qr_grace: timedelta = timedelta(seconds=5),
        stop_wait: timedelta = timedelta(seconds=5),
        registration_grace: float = 2.0,
        worker_threads: int = 64,
        device_name: str = DEFAULT_DEVICE_NAME,
    ) -> None:
        self.late_after = late_after  # an incoming message older than this is flagged late
        self.send_timeout = send_timeout  # then the send is ambiguous, so final
        self.qr_wait = qr_wait  # pair_phone waits this long for pairing to begin
        self.qr_grace = qr_grace  # after the last QR expires, before "QR codes ran out"
        self.stop_wait = stop_wait  # for neonize's worker thread to end after Stop
        # a new client's Go call, started, with no event, QR or end yet: registered by now
        self.registration_grace = registration_grace
        self.worker_threads = worker_threads
        self.device_name = device_name  # the name the phone shows under "Linked devices"
        self._executor: CountedThreadPool | None = None
        self._adopted: asyncio.AbstractEventLoop | None = None
        self._stuck: set[asyncio.Future[object]] = set()
        self.late_ends: set[asyncio.Task[None]] = set()  # a stuck run's clean-up, when it ends

    @property
    def threads_in_use(self) -> int:
        return self._executor.in_use if self._executor is not None else 0

    @property
    def leaked_threads(self) -> int:
        """Go calls of stopped clients that did not return (each holds a pool thread)."""
        return len(self._stuck)

    def note_stuck(self, run: "asyncio.Future[object]") -> None:
        """Counted until it returns, if ever (a QR wait or a FetchMe loop never does)."""
        self._stuck.add(run)
        run.add_done_callback(self._stuck.discard)

    def adopt_loop(self, loop: asyncio.AbstractEventLoop) -> None:
        """neonize holds a worker thread per live client for its lifetime and runs every call
        through ``asyncio.to_thread``: give the loop a pool big enough for that, and make it
        the loop neonize delivers events to. Go logs at WARN at most (debug ones carry QRs)."""
        if self._adopted is loop:
            return
        if self._executor is None:
            self._executor = CountedThreadPool(self.worker_threads, thread_name_prefix="neonize")
        loop.set_default_executor(self._executor)
        neonize_events.event_global_loop = loop
        neonize_log = logging.getLogger("neonize.utils.log")
        if neonize_log.level < logging.WARNING:
            neonize_log.setLevel(logging.WARNING)
        self._adopted = loop
