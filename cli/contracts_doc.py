"""The generated part of docs/contracts.md: subjects, the envelope, and every event with its
fields, JSON Schema and example, rendered from the contracts themselves."""

import inspect
import json
from collections.abc import Callable
from typing import Any, get_args

import msgspec

from cli.struct_tables import fields_table, nested_structs
from contracts import subjects
from contracts.codec import encode_event
from contracts.envelope import Envelope
from contracts.events import CURRENT_VERSIONS, Event
from contracts.examples import example_envelope

__all__ = ["BEGIN", "END", "render_generated", "splice"]

BEGIN = "<!-- generated:begin (wa docs contracts; do not edit by hand) -->"
END = "<!-- generated:end -->"


def splice(document: str, generated: str) -> str:
    """``document`` with the text between the markers replaced by ``generated``."""
    head, begin, rest = document.partition(BEGIN)
    _, end, tail = rest.partition(END)
    if not begin or not end:
        raise ValueError(f"the document has no {BEGIN!r} … {END!r} block")
    return f"{head}{BEGIN}\n{generated.strip()}\n{END}{tail}"


def render_generated(example_subscriber: str) -> str:
    """The reference block; ``example_subscriber`` is the example script's source."""
    parts = ["## Example subscriber", f"```python\n{example_subscriber.strip()}\n```"]
    parts += ["## Subjects", _subjects(), "## The envelope", fields_table(Envelope)]
    parts += ["## Events", _overview()]
    parts += [_event(cls) for cls in get_args(Event)]
    return "\n\n".join(parts) + "\n"


def _subjects() -> str:
    rows = ["| name | subject | meaning |", "| --- | --- | --- |"]
    for name in subjects.__all__:
        value = getattr(subjects, name)
        if isinstance(value, str):
            rows.append(f"| `{name}` | `{value}` | constant |")
        elif callable(value) and (shown := _subject_pattern(value)) is not None:
            doc = (inspect.getdoc(value) or "").replace("``", "`").splitlines()
            rows.append(f"| `{name}()` | `{shown}` | {doc[0] if doc else ''} |")
    return "\n".join(rows)


def _subject_pattern(fn: Callable[..., Any]) -> str | None:
    signature = inspect.signature(fn)
    if signature.return_annotation is not str:
        return None
    args = {p: f"<{p}>" for p in signature.parameters}
    return str(fn(**args))


def _overview() -> str:
    rows = ["| type | version | subject | Struct |", "| --- | --- | --- | --- |"]
    for cls in get_args(Event):
        kind = cls.__struct_config__.tag
        subject = subjects.event_subject("<tenant>", "<session>", kind)
        rows.append(
            f"| [`{kind}`](#{kind.replace('.', '')}) | {CURRENT_VERSIONS[kind]} | `{subject}` "
            f"| `{cls.__module__}.{cls.__name__}` |"
        )
    return "\n".join(rows)


def _event(cls: Any) -> str:
    kind = cls.__struct_config__.tag
    doc = (cls.__dict__.get("__doc__") or "").strip().replace("``", "`")
    _, components = msgspec.json.schema_components([cls], ref_template="#/$defs/{name}")
    schema = dict(components.pop(cls.__name__))
    if components:
        schema["$defs"] = components
    example = json.dumps(json.loads(encode_event(example_envelope(kind))), indent=2)
    return "\n\n".join(
        [
            f"### {kind}",
            f"Version {CURRENT_VERSIONS[kind]}, subject "
            f"`{subjects.event_subject('<tenant>', '<session>', kind)}`, "
            f"Struct `{cls.__module__}.{cls.__name__}`."
            + (f" {doc.splitlines()[0]}" if doc else ""),
            fields_table(cls),
            *[f"`{inner.__name__}`:\n\n{fields_table(inner)}" for inner in nested_structs(cls)],
            f"<details><summary>JSON Schema of the payload</summary>\n\n```json\n"
            f"{json.dumps(schema, indent=2)}\n```\n\n</details>",
            f"Example (the whole envelope):\n\n```json\n{example}\n```",
        ]
    )
