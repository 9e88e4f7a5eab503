"""Markdown tables of a Struct's fields, with readable type names, from msgspec.inspect."""

import json
from typing import Any

import msgspec
import msgspec.inspect as mi

__all__ = ["fields_table", "nested_structs"]


def fields_table(cls: Any) -> str:
    """One row per field: wire name, type, whether required, default."""
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


def nested_structs(cls: Any) -> list[Any]:
    """The Structs used inside ``cls``'s fields (e.g. ``SendPacing``), in order of use."""
    found: list[Any] = []

    def walk(info: mi.Type) -> None:
        match info:
            case mi.StructType(cls=inner, fields=fields):
                if inner not in found:
                    found.append(inner)
                    for field in fields:
                        walk(field.type)
            case mi.UnionType(types=types):
                for member in types:
                    walk(member)
            case mi.ListType(item_type=item) | mi.SetType(item_type=item):
                walk(item)
            case mi.DictType(value_type=value):
                walk(value)

    root = mi.type_info(cls)
    assert isinstance(root, mi.StructType)
    for field in root.fields:
        walk(field.type)
    return found


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
