"""The registry of open event streams: what ends them, and that nothing of them is kept."""

from services.gateway.domain.open_streams import OpenStreams


def _never() -> bool:
    return False


def test_revoking_a_key_ends_its_streams_only() -> None:
    streams = OpenStreams()
    with (
        streams.opened("k1", _never) as first,
        streams.opened("k1", _never) as second,
        streams.opened("k2", _never) as other,
    ):
        assert streams.revoke("k1") == 2
        assert first.ended.is_set() and second.ended.is_set()
        assert (first.reason, second.reason) == ("key_revoked", "key_revoked")
        assert not other.ended.is_set() and other.reason is None
        assert streams.revoke("unknown") == 0


def test_a_sweep_ends_the_streams_whose_client_has_gone() -> None:
    streams = OpenStreams()
    gone = {"a": False, "b": False}
    with (
        streams.opened("k", lambda: gone["a"]) as a,
        streams.opened("k", lambda: gone["b"]) as b,
    ):
        assert streams.sweep() == 0
        gone["a"] = True
        assert streams.sweep() == 1
        assert (a.reason, b.reason) == ("client_gone", None)
        assert streams.sweep() == 0  # an ended stream is not counted again


def test_the_first_reason_wins_and_shutdown_ends_everything() -> None:
    streams = OpenStreams()
    with streams.opened("k1", _never) as a, streams.opened("k2", _never) as b:
        streams.revoke("k1")
        streams.end_all("shutdown")
        assert (a.reason, b.reason) == ("key_revoked", "shutdown")


def test_a_closed_stream_leaves_nothing_behind() -> None:
    streams = OpenStreams()
    for _ in range(3):
        with streams.opened("k", _never):
            assert len(streams) == 1
    assert len(streams) == 0
    assert streams.revoke("k") == 0
    try:
        with streams.opened("k", _never):
            raise RuntimeError("the handler failed")
    except RuntimeError:
        pass
    assert len(streams) == 0
