"""NATS subject matching: ``*`` is one token, ``>`` (last) one or more."""

__all__ = ["subject_matches"]


def subject_matches(pattern: str, subject: str) -> bool:
    wanted, given = pattern.split("."), subject.split(".")
    for i, token in enumerate(wanted):
        if token == ">":
            return len(given) > i
        if i >= len(given) or (token != "*" and token != given[i]):
            return False
    return len(given) == len(wanted)
