"""The one domain error: a command the reminder's state does not allow."""

__all__ = ["Refusal"]


class Refusal(Exception):
    """The reminder's state does not allow the command; ``code`` is stable."""

    def __init__(self, code: str, message: str, details: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.details = details or {}
