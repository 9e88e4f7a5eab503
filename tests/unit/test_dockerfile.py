"""The Dockerfile, parsed: the image can load neonize (libmagic1), convert media (ffmpeg) and
switches neonize's bot tag off before any service starts."""

import re
import shlex
from pathlib import Path

from tests.support.compose import ROOT


def instructions() -> list[tuple[str, str]]:
    text = re.sub(r"\\\n", " ", (ROOT / "Dockerfile").read_text())
    lines = [line.strip() for line in text.splitlines()]
    found = []
    for line in lines:
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            found.append((keyword.upper(), rest.strip()))
    return found


def apt_packages() -> set[str]:
    packages: set[str] = set()
    for keyword, rest in instructions():
        if keyword != "RUN":
            continue
        for command in rest.split("&&"):
            words = shlex.split(command)
            if words[:2] == ["apt-get", "install"]:
                packages |= {w for w in words[2:] if not w.startswith("-")}
    return packages


def env() -> dict[str, str]:
    values: dict[str, str] = {}
    for keyword, rest in instructions():
        if keyword == "ENV":
            values |= dict(pair.split("=", 1) for pair in shlex.split(rest))
    return values


def test_the_image_installs_libmagic_and_ffmpeg_before_the_python_packages() -> None:
    assert {"libmagic1", "ffmpeg"} <= apt_packages()
    order = [keyword for keyword, _ in instructions()]
    runs = [rest for keyword, rest in instructions() if keyword == "RUN"]
    assert "apt-get install" in runs[0] and order.index("RUN") < order.index("COPY")


def test_the_image_turns_neonizes_bot_tag_off() -> None:
    assert env()["NEONIZE_BOT_TAG"] == "off"


def test_wa_up_starts_every_service_with_the_bot_tag_off(tmp_path: Path) -> None:
    from cli.stack import LocalStack

    stack = LocalStack(tmp_path, env={"NEONIZE_BOT_TAG": "on"}, nats_url="nats://127.0.0.1:1")
    assert stack.env["NEONIZE_BOT_TAG"] == "off"
