"""The private attributes of nats-py that runtime/nats_private.py reads are there, with the
meaning it gives them, on the installed nats-py (one of ``CHECKED``)."""

from nats.aio.client import Client
from nats.js.kv import KeyValue

from runtime.nats_private import (
    checked,
    connection_of,
    new_nuid,
    rebind,
    request_timeout,
    with_timeout,
)


def test_the_installed_nats_py_was_read() -> None:
    assert checked(), "read runtime/nats_private.py against this nats-py, then add it to CHECKED"


def test_each_private_attribute_means_what_the_module_says() -> None:
    nc = Client()
    js = nc.jetstream(timeout=3.5)
    assert connection_of(js) is nc and request_timeout(js) == 3.5
    short = with_timeout(js, 0.5)
    assert connection_of(short) is nc and request_timeout(short) == 0.5
    kv = KeyValue(name="b", stream="KV_b", pre="$KV.b.", js=short, direct=True)
    rebind(kv, js)
    assert kv._js is js
    first, second = new_nuid(js), new_nuid(js)
    assert len(first) == 22 and first != second
