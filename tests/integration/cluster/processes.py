"""Services as processes (``python -m services.<name>``), each logging JSON lines to its own
file, which a test reads as the process's own account of what it did."""

import json
import signal
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]


class ServiceProcess:
    """One service process; ``new_lines()`` returns the log lines written since the last call."""

    def __init__(self, service: str, label: str, env: Mapping[str, str], log_dir: Path) -> None:
        self.service = service
        self.label = label
        self.env = {"PATH": "/usr/bin:/bin", "WA_LOG_FORMAT": "json", **env}
        self.log_path = log_dir / f"{label}.log"
        self._offset = 0
        self._proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        with self.log_path.open("ab") as log:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", f"services.{self.service}"],
                env=self.env,
                cwd=ROOT,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=log,
            )

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def kill(self) -> None:
        """SIGKILL: no clean-up, no lease released, its clients die with it."""
        assert self._proc is not None
        self._proc.send_signal(signal.SIGKILL)
        self._proc.wait()

    def stop(self) -> None:
        if self._proc is None or self._proc.poll() is not None:
            return
        self._proc.terminate()
        try:
            self._proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._proc.kill()
            self._proc.wait()

    def new_lines(self) -> list[dict[str, Any]]:
        """Complete JSON lines appended since the last call (a partial last line waits)."""
        with self.log_path.open("rb") as log:
            log.seek(self._offset)
            data = log.read()
        end = data.rfind(b"\n") + 1
        self._offset += end
        lines = []
        for raw in data[:end].splitlines():
            try:
                lines.append(json.loads(raw))
            except ValueError:
                lines.append({"event": "unparsed", "text": raw.decode(errors="replace")})
        return lines

    def all_lines(self) -> list[dict[str, Any]]:
        return [
            json.loads(raw) for raw in self.log_path.read_bytes().splitlines() if raw[:1] == b"{"
        ]
