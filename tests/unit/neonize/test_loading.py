"""Loading neonize through our adapter, each in a fresh interpreter: the Go layer sees
NEONIZE_BOT_TAG=off when it loads, and our logging is left as it was."""

import subprocess
import sys
import textwrap

from tests.support.compose import ROOT


def run(code: str, **env: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        cwd=ROOT,
        env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_go_layer_loads_with_the_bot_tag_off_even_if_the_environment_said_otherwise() -> None:
    out = run(
        """
        import ctypes, os, sys
        import services.session.adapters.whatsapp.neonize.client
        assert "neonize._binder" in sys.modules  # the Go library is loaded
        libc = ctypes.CDLL(None)
        libc.getenv.restype = ctypes.c_char_p
        print(os.environ["NEONIZE_BOT_TAG"], libc.getenv(b"NEONIZE_BOT_TAG").decode())
        """,
        NEONIZE_BOT_TAG="on",
    )
    assert out == "off off"  # the process environment the Go runtime copies when it loads


def test_neonize_loaded_before_the_adapter_is_refused_rather_than_tagging_messages() -> None:
    out = run(
        """
        import neonize.aioze.client
        try:
            import services.session.adapters.whatsapp.neonize.client
        except Exception as exc:
            print(type(exc).__name__)
        """
    )
    assert out == "NeonizeLoadedTooEarly"


def test_importing_neonize_leaves_the_root_logger_alone() -> None:
    out = run(
        """
        import logging
        import services.session.adapters.whatsapp.neonize.port
        root = logging.getLogger()
        print(len(root.handlers), logging.getLevelName(root.level))
        """
    )
    assert out == "0 WARNING"  # neonize's basicConfig would have left a handler at INFO
