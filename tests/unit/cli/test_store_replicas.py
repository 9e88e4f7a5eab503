"""`wa up` runs WA_STORE_READERS store processes: ``store``, ``store-2``, … each running
``services.store``."""

from cli.stack import SERVICES, module_of, with_store_replicas


def test_readers_add_store_processes_after_the_first() -> None:
    assert with_store_replicas(SERVICES, 1) == SERVICES
    assert with_store_replicas(SERVICES, 0) == SERVICES  # the store always runs once
    three = with_store_replicas(SERVICES, 3)
    assert three[:4] == ("session", "store", "store-2", "store-3")
    assert {module_of(name) for name in three if name.startswith("store")} == {"services.store"}
    assert with_store_replicas(("session",), 3) == ("session",)
    assert module_of("gateway") == "services.gateway"
