"""A new request id is the text of a random version 4 UUID, as ``uuid`` itself writes it."""

import random
import uuid

from contracts.ids import is_valid_id
from services.gateway.http import middleware


def test_a_new_request_id_is_the_uuid4_text_of_its_bits() -> None:
    drawn = random.Random(7)
    middleware._ids.seed(7)
    for _ in range(2000):
        bits = (drawn.getrandbits(128) & middleware._V4_MASK) | middleware._V4
        made = middleware._new_request_id()
        assert made == str(uuid.UUID(int=bits))
        assert uuid.UUID(made).version == 4 and uuid.UUID(made).variant == uuid.RFC_4122
        assert is_valid_id(made)


def test_edge_bits_keep_their_leading_zeros() -> None:
    class Fixed(random.Random):
        def getrandbits(self, k: int) -> int:
            return 0

    kept, middleware._ids = middleware._ids, Fixed()
    try:
        assert middleware._new_request_id() == "00000000-0000-4000-8000-000000000000"
    finally:
        middleware._ids = kept
