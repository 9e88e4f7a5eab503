"""The one domain error: a command the session's state does not allow."""

__all__ = ["Refusal"]


class Refusal(Exception):
    """The session's state does not allow the command; ``code`` is stable."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
