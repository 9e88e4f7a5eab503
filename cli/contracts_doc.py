"""The generated part of docs/contracts.md: subjects, the envelope, and every event with its
fields, JSON Schema and example, rendered from the contracts themselves."""

import inspect
import json
from collections.abc import Callable
from typing import Any, get_args

import msgspec
import msgspec.inspect as mi

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
    parts += ["## Subjects", _subjects(), "## The envelope", _fields(Envelope)]
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
            _fields(cls),
            f"<details><summary>JSON Schema of the payload</summary>\n\n```json\n"
            f"{json.dumps(schema, indent=2)}\n```\n\n</details>",
            f"Example (the whole envelope):\n\n```json\n{example}\n```",
        ]
    )


def _fields(cls: Any) -> str:
    info = mi.type_info(cls)
    assert isinstance(info, mi.StructType)
    rows = ["| field | type | required | default |", "| --- | --- | --- | --- |"]
    tag_field = cls.__struct_config__.tag_field
    if tag_field:
        rows.append(f'| `{tag_field}` | `"{cls.__struct_config__.tag}"` | yes | |')
    for field in info.fields:
        default = "" if field.required else _default(field)
        required = "yes" if field.required else "no"
        rows.append(f"| `{field.encode_name}` | {_type(field.type)} | {required} | {default} |")
    return "\n".join(rows)


def _default(field: mi.Field) -> str:
    if field.default is not msgspec.NODEFAULT:
        return f"`{json.dumps(msgspec.to_builtins(field.default))}`"
    if field.default_factory is not msgspec.NODEFAULT:
        return f"`{json.dumps(msgspec.to_builtins(field.default_factory()))}`"
    return ""


def _type(info: mi.Type) -> str:
    match info:
        case mi.UnionType(types=types) if all(isinstance(t, mi.StructType) for t in types):
            return "one of the event payloads below, tagged by its `type`"
        case mi.UnionType(types=types):
            return " or ".join(_type(t) for t in types)
        case mi.NoneType():
            return "null"
        case mi.StrType():
            return "string"
        case mi.BoolType():
            return "boolean"
        case mi.IntType():
            return "integer"
        case mi.FloatType():
            return "number"
        case mi.DateTimeType():
            return "date-time (RFC 3339)"
        case mi.DateType():
            return "date"
        case mi.TimeDeltaType():
            return "duration (ISO 8601)"
        case mi.LiteralType(values=values):
            return " or ".join(f"`{json.dumps(v)}`" for v in values)
        case mi.EnumType(cls=enum_cls):
            return " or ".join(f"`{json.dumps(m.value)}`" for m in enum_cls)
        case mi.ListType(item_type=item) | mi.SetType(item_type=item):
            return f"list of {_type(item)}"
        case mi.DictType(key_type=key, value_type=value):
            return f"object ({_type(key)} → {_type(value)})"
        case mi.StructType(cls=struct_cls):
            return f"object `{struct_cls.__name__}`"
        case mi.AnyType():
            return "any"
    return type(info).__name__
