"""Reading a docker-compose file the way Docker Compose would, as far as our checks need:
YAML anchors and merges (PyYAML does them), ``${VAR:-default}`` interpolation, the short and
long forms of ``depends_on``, ``ports`` and ``volumes``, and nats-server's command flags."""

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml

ROOT = Path(__file__).resolve().parents[2]
VARIABLE = re.compile(r"\$\{(\w+)(?:(:?[-?])([^}]*))?\}")


def interpolate(value: str) -> str:
    """``${X:-d}`` and ``${X-d}`` give ``d``; ``${X:?msg}`` (required) gives ``set-by-operator``."""

    def one(match: re.Match[str]) -> str:
        op, arg = match.group(2) or "", match.group(3) or ""
        return "set-by-operator" if op.endswith("?") else arg

    return VARIABLE.sub(one, value)


@dataclass(frozen=True)
class Service:
    name: str
    spec: dict[str, Any]

    @property
    def module(self) -> str | None:
        command = self.spec.get("command")
        if isinstance(command, list) and command[:2] == ["python", "-m"]:
            return str(command[2])
        return None

    @property
    def env(self) -> dict[str, str]:
        raw = self.spec.get("environment") or {}
        assert isinstance(raw, dict), f"{self.name}: use the mapping form of environment"
        return {str(k): interpolate(str(v)) for k, v in raw.items()}

    @property
    def depends_on(self) -> dict[str, str]:
        """Target service -> condition (``service_started`` for the short form)."""
        raw = self.spec.get("depends_on") or {}
        if isinstance(raw, list):
            return {str(name): "service_started" for name in raw}
        return {str(k): str((v or {}).get("condition", "service_started")) for k, v in raw.items()}

    @property
    def host_ports(self) -> list[int]:
        found = []
        for port in self.spec.get("ports") or []:
            if isinstance(port, dict):
                if port.get("published"):
                    found.append(int(port["published"]))
                continue
            parts = str(port).split(":")
            if len(parts) >= 2:
                found.append(int(parts[-2]))
        return found

    @property
    def mounts(self) -> list[tuple[str, str]]:
        """(source, target) of each volume; a source starting with . or / is a host path."""
        found = []
        for volume in self.spec.get("volumes") or []:
            if isinstance(volume, dict):
                found.append((str(volume["source"]), str(volume["target"])))
            else:
                source, target = str(volume).split(":")[:2]
                found.append((source, target))
        return found

    @property
    def profiles(self) -> list[str]:
        """The profiles that start it; none: it starts by default."""
        return [str(p) for p in self.spec.get("profiles") or []]

    @property
    def is_nats(self) -> bool:
        """A locked NATS server: ``wa nats-node`` (our image, its users agent beside it)."""
        return (self.spec.get("command") or [])[:2] == ["wa", "nats-node"]

    def flags(self) -> dict[str, str]:
        """``wa nats-node``'s ``--flag=value`` command line as a mapping (``--flag`` alone: "")."""
        out: dict[str, str] = {}
        for arg in (self.spec.get("command") or [])[2:]:
            flag, _, value = str(arg).partition("=")
            out[flag] = value
        return out


@dataclass(frozen=True)
class ComposeFile:
    path: Path
    data: dict[str, Any]

    @classmethod
    def load(cls, name: str) -> "ComposeFile":
        path = ROOT / name
        return cls(path, yaml.safe_load(path.read_text()))

    @property
    def services(self) -> dict[str, Service]:
        return {name: Service(name, spec) for name, spec in self.data["services"].items()}

    def in_profile(self, profile: str) -> list[Service]:
        return [s for s in self.services.values() if profile in s.profiles]

    def running(self, module: str) -> list[Service]:
        return [s for s in self.services.values() if s.module == module]

    @property
    def nats_nodes(self) -> list[Service]:
        return [s for s in self.services.values() if s.is_nats]

    @property
    def named_volumes(self) -> set[str]:
        return set(self.data.get("volumes") or {})


def url_endpoints(value: str) -> list[tuple[str, int | None, str]]:
    """(host, port, path) of every URL in a comma-separated list of URLs."""
    found = []
    for url in filter(None, value.split(",")):
        parts = urlsplit(url)
        assert parts.hostname, f"no host in {url!r}"
        found.append((parts.hostname, parts.port, parts.path.lstrip("/")))
    return found
