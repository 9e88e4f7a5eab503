"""The README's signature check (what receivers will copy) accepts our signatures."""

import re
import time
from collections.abc import Callable
from pathlib import Path

from services.webhooks.domain.signing import signature

README = Path(__file__).resolve().parents[3] / "README.md"


def _readme_verify() -> Callable[[str, str, bytes], bool]:
    text = README.read_text()
    found = re.search(r"<!-- webhook-verify -->\n```python\n(.*?)```", text, re.S)
    assert found, "the README lost its webhook verification example"
    namespace: dict[str, object] = {}
    exec(found.group(1), namespace)
    verify = namespace["verify"]
    assert callable(verify)
    return verify


def test_the_readme_example_verifies_a_real_signature_and_nothing_else() -> None:
    verify = _readme_verify()
    body = b'{"id":"e1","type":"message.received"}'
    secret = "whsec_readme-example-secret"
    header = signature(secret, int(time.time()), body)
    assert verify(secret, header, body)
    assert not verify("whsec_some-other-secret", header, body)
    assert not verify(secret, header, body + b"x")
    assert not verify(secret, signature(secret, int(time.time()) - 3600, body), body)
