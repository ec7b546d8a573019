"""Checking a request against Rekognition's service model, botocore's copy of it.

The AWS client checks only required members, types and minimums; maximums, patterns and enums
are the server's to check, answering ValidationException with every problem found, as AWS does.
Blobs arrive base64-encoded and leave this module as bytes.
"""

from __future__ import annotations

import base64
import binascii
import re
from functools import lru_cache

import botocore.session

from ..engine.errors import ImageTooLarge, Validation
from . import errors

_SKIP_VALUE = object()


@lru_cache(maxsize=1)
def service_model():
    return botocore.session.get_session().get_service_model("rekognition")


@lru_cache(maxsize=None)
def _pattern(pattern: str) -> re.Pattern | None:
    try:
        return re.compile(pattern)
    except re.error:  # a Java-only construct: leave it to the engine
        return None


def parse(operation: str, params) -> dict:
    """The request's parameters, checked against the operation's input shape, blobs decoded."""
    if not isinstance(params, dict):
        raise errors.serialization("The request body must be a JSON object.")
    problems: list[str] = []
    value = _check(service_model().operation_model(operation).input_shape, params, "", problems)
    if problems:
        plural = "s" if len(problems) > 1 else ""
        raise Validation(f"{len(problems)} validation error{plural} detected: " + "; ".join(problems))
    return value


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _check(shape, value, path: str, problems: list[str]):
    kind = shape.type_name
    if kind == "structure":
        return _structure(shape, value, path, problems)
    if kind == "list":
        _expect(value, list, path)
        _length(shape, value, path, problems, "length", show=False)
        return [_check(shape.member, v, f"{path}.{i + 1}.member", problems) for i, v in enumerate(value)]
    if kind == "map":
        _expect(value, dict, path)
        return {k: _check(shape.value, v, f"{path}.{k}", problems) for k, v in value.items()}
    if kind == "string":
        _expect(value, str, path)
        _length(shape, value, path, problems, "length")
        pattern = shape.metadata.get("pattern")
        if pattern and _pattern(pattern) and not _pattern(pattern).fullmatch(value):
            problems.append(_problem(value, path, f"Member must satisfy regular expression pattern: {pattern}"))
        if shape.enum and value not in shape.enum:
            problems.append(_problem(value, path, f"Member must satisfy enum value set: [{', '.join(shape.enum)}]"))
        return value
    if kind in ("integer", "long"):
        _expect(value, int, path)
        _length(shape, value, path, problems, "value")
        return value
    if kind in ("float", "double"):
        _expect(value, (int, float), path)
        _length(shape, value, path, problems, "value")
        return float(value)
    if kind == "boolean":
        _expect(value, bool, path)
        return value
    if kind == "blob":
        return _blob(shape, value, path, problems)
    return value  # timestamps and anything newer: passed on as sent


def _structure(shape, value, path: str, problems: list[str]) -> dict:
    _expect(value, dict, path)
    checked = {}
    for name in shape.required_members:
        if value.get(name) is None:
            problems.append(
                f"Value null at '{path + '.' if path else ''}{_camel(name)}' failed to satisfy "
                f"constraint: Member must not be null"
            )
    for name, member in shape.members.items():
        if value.get(name) is not None:  # unknown members are ignored, as newer clients may send them
            checked[name] = _check(member, value[name], f"{path + '.' if path else ''}{_camel(name)}", problems)
    return checked


def _blob(shape, value, path: str, problems: list[str]) -> bytes:
    _expect(value, str, path)
    try:
        data = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        raise errors.serialization(f"'{path}' must be base64-encoded.") from None
    if shape.name == "ImageBlob" and len(data) > shape.metadata.get("max", len(data)):
        raise ImageTooLarge(f"Image size is too large: {len(data)} bytes; the limit is {shape.metadata['max']}.")
    _length(shape, data, path, problems, "length", show=False)
    return data


def _length(shape, value, path: str, problems: list[str], what: str, show: bool = True) -> None:
    measure = value if what == "value" else len(value)
    low, high = shape.metadata.get("min"), shape.metadata.get("max")
    shown = value if show else _SKIP_VALUE
    if low is not None and measure < low:
        problems.append(_problem(shown, path, f"Member must have {what} greater than or equal to {low}"))
    if high is not None and measure > high:
        problems.append(_problem(shown, path, f"Member must have {what} less than or equal to {high}"))


def _expect(value, kinds, path: str) -> None:
    if not isinstance(value, kinds) or (isinstance(value, bool) and kinds in (int, (int, float))):
        raise errors.serialization(f"Unexpected value type at '{path or 'body'}'.")


def _problem(value, path: str, constraint: str) -> str:
    at = f"Value '{value}' at '{path}'" if value is not _SKIP_VALUE else f"Value at '{path}'"
    return f"{at} failed to satisfy constraint: {constraint}"
