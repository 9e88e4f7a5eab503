"""Regular expressions that must match a whole string, in Python and in JSON Schema alike.

``re.search``/``re.match`` with ``$`` also match before a final newline ("123\\n"), and
msgspec's ``Meta(pattern=...)`` is a ``re.search``. ``\\A``/``\\Z`` would fix Python but are not
ECMA-262, the dialect of JSON Schema and OpenAPI patterns; ``$(?!\\n)`` means the end in both."""

__all__ = ["whole"]


def whole(regex: str) -> str:
    """A pattern that accepts a string only when ``regex`` matches all of it."""
    return f"^(?:{regex})$(?!\\n)"
