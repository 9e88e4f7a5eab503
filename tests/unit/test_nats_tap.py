"""The tap on nats-py's internals runs only on a nats-py it was read against: a new nats-py
fails here, loudly, until runtime/nats_tap.py has been checked against it."""

from importlib.metadata import version

from nats.aio.client import __version__ as nats_py_version

from runtime.nats_tap import CHECKED, checked


def test_the_installed_nats_py_is_one_the_tap_was_checked_against() -> None:
    assert nats_py_version == version("nats-py")
    assert checked(), (
        f"nats-py {nats_py_version} is not among the versions runtime/nats_tap.py was checked "
        f"against ({', '.join(CHECKED)}): read Client._process_msg, Client.stats and "
        "Subscription._id in the new version, run tests/integration/runtime/test_pull.py and "
        "bench.pull_intake, then add the version to CHECKED"
    )


def test_any_other_version_is_not_checked() -> None:
    assert not checked("2.17.0") and not checked("0.0.0")
