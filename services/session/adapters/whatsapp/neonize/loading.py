"""Loads neonize once per process: no bot tag on our messages, our logging left as it was."""

import logging
import os
import sys

__all__ = ["BOT_TAG_VARIABLE", "NeonizeLoadedTooEarly", "load_neonize"]

BOT_TAG_VARIABLE = "NEONIZE_BOT_TAG"
_GO_LAYER = "neonize._binder"  # the module that loads the Go library (ctypes)


class NeonizeLoadedTooEarly(RuntimeError):
    """neonize's Go layer was loaded before the bot tag could be switched off."""


def load_neonize() -> None:
    """Without ``NEONIZE_BOT_TAG=off`` at load time, neonize's Go layer adds
    ``<bot biz_bot="1"/>`` to every 1:1 message. It reads the variable only when it loads."""
    if _GO_LAYER in sys.modules:
        if os.environ.get(BOT_TAG_VARIABLE) != "off":
            raise NeonizeLoadedTooEarly(
                f"neonize was imported before {BOT_TAG_VARIABLE}=off was set: its messages "
                "would carry a bot tag; import services.session.adapters.whatsapp.neonize first"
            )
        return
    os.environ[BOT_TAG_VARIABLE] = "off"
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    try:
        import neonize.aioze.client  # noqa: F401  (loads the Go layer; basicConfig on import)
    finally:
        for handler in root.handlers[:]:
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)
