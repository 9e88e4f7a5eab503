"""The webhooks service layer stands on ports: importing it loads no SQLAlchemy, no nats and
no neonize (bootstrap wires those adapters in)."""

import subprocess
import sys

MODULES = ["delivering", "dispatcher", "fanout", "listing", "media_links", "registry"]
PROBE = f"""
import sys
for name in {MODULES!r}:
    __import__("services.webhooks.service_layer." + name)
print(sorted({{m.split(".")[0] for m in sys.modules}} & {{"sqlalchemy", "nats", "neonize"}}))
"""


def test_the_service_layer_imports_no_database_bus_or_whatsapp_library() -> None:
    found = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True)
    assert found.returncode == 0, found.stderr
    assert found.stdout.strip() == "[]"
