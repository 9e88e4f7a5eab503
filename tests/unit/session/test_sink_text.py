"""Text from WhatsApp enters the log as sent, but for NUL, which no text column can hold."""

from services.session.service_layer.sink import clean


def test_nul_becomes_the_replacement_character() -> None:
    assert clean("a\x00b") == "a\ufffdb"


def test_other_text_is_kept_exactly() -> None:
    for text in ("", "مرحبا \u200f", "😀 e\u0301", "\ud7ff", None):
        assert clean(text) == text
