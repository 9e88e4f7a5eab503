"""Reminder texts: a plain text, or a template whose ``{field}`` placeholders are filled."""

import re
from collections.abc import Mapping

__all__ = ["MAX_TEXT", "TextError", "render"]

MAX_TEXT = 4096
_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


class TextError(ValueError):
    """The text or template cannot produce a message; ``field`` names the culprit."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def render(text: str | None, template: str | None, fields: Mapping[str, str]) -> str:
    """Exactly one of ``text`` and ``template``; unknown placeholders are an error."""
    if (text is None) == (template is None):
        raise TextError("text", "give exactly one of text and template")
    if text is not None:
        result = text
    else:
        assert template is not None
        missing = sorted({m for m in _PLACEHOLDER.findall(template) if m not in fields})
        if missing:
            raise TextError("fields", f"the template needs fields {missing}")
        result = _PLACEHOLDER.sub(lambda m: fields[m.group(1)], template)
    if not result.strip():
        raise TextError("text", "the text is empty")
    if len(result) > MAX_TEXT:
        raise TextError("text", f"the text is longer than {MAX_TEXT} characters")
    return result
