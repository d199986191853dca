"""One YAML reader for every file users write: the YAML 1.2 core schema, safely.

PyYAML speaks YAML 1.1, where ``1:30`` is the base-60 number 90, ``yes`` is true and
``1e12`` is text. Here numbers and booleans follow YAML 1.2's core schema (``1e12`` is a
number, ``1:30`` and ``yes`` are text), repeated keys are refused, and only plain data is
built (PyYAML's safe loader: no tags that run code).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_BOOL = "tag:yaml.org,2002:bool"


class YamlError(ValueError):
    """A file that is not YAML this reader accepts; the message says where and why."""


#: Most aliases a document may use (a "billion laughs" document nests thousands).
MAX_ALIASES = 20


class _Loader(yaml.SafeLoader):
    """PyYAML's safe loader with YAML 1.2 core numbers and booleans, no repeated keys, and
    few aliases (so a document cannot expand to gigabytes)."""

    def __init__(self, stream) -> None:
        super().__init__(stream)
        self._aliases = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                event = self.peek_event()
                raise yaml.composer.ComposerError(
                    None, None, f"more than {MAX_ALIASES} aliases", event.start_mark
                )
        return super().compose_node(parent, index)

    def construct_mapping(self, node, deep=False):
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value != "<<":
                if key_node.value in seen:
                    raise yaml.constructor.ConstructorError(
                        None,
                        None,
                        f"key '{key_node.value}' repeats line {seen[key_node.value]}",
                        key_node.start_mark,
                    )
                seen[key_node.value] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep=deep)


#: YAML 1.2 core numbers: ASCII digits only (no '1_000', no other scripts' digits).
_INT_RE = re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT_RE = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
#: Most characters a number in a user's file may have (a price or an age needs far fewer).
MAX_DIGITS = 40


def _int_of(text: str) -> int:
    """Return a YAML 1.2 core integer: decimal (``0150`` is 150), ``0o`` octal or ``0x`` hex."""
    if len(text) > MAX_DIGITS:
        raise ValueError(f"a number of more than {MAX_DIGITS} digits")
    if text[:2] in ("0o", "0x"):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text)


def _float_of(text: str) -> float:
    """Return a YAML 1.2 core float ('1e12', '.5', '.inf', '-.inf', '.nan')."""
    if len(text) > MAX_DIGITS:
        raise ValueError(f"a number of more than {MAX_DIGITS} digits")
    bare = text.lstrip("+-").lower()
    if bare in (".inf", ".nan"):
        return float(text.replace(".", "", 1))
    return float(text)


def number_or_text(text: str) -> int | float | str:
    """Return ``text`` as the number YAML 1.2's core schema reads it (int, then float), or
    the text itself when it is not one: the one number rule of every file users write, CSV
    cells included (``'2_0_0'`` and ``'\u0661\u0668'`` stay text, as in YAML)."""
    if _INT_RE.match(text):
        return _int_of(text)
    if _FLOAT_RE.match(text):
        return _float_of(text)
    return text


def _construct_number(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int | float:
    try:
        return number_or_text(loader.construct_scalar(node))  # type: ignore[return-value]
    except ValueError as err:
        raise yaml.constructor.ConstructorError(None, None, str(err), node.start_mark) from None


def _construct_date(loader: yaml.SafeLoader, node: yaml.ScalarNode):
    try:
        return yaml.SafeLoader.construct_yaml_timestamp(loader, node)
    except ValueError as err:  # '2019-02-30': say where, not only why
        raise yaml.constructor.ConstructorError(
            None, None, f"'{node.value}' is not a date ({err})", node.start_mark
        ) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_date)
_Loader.add_constructor(_INT, _construct_number)
_Loader.add_constructor(_FLOAT, _construct_number)
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_INT, _FLOAT, _BOOL)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_implicit_resolver(_INT, _INT_RE, list("-+0123456789"))
_Loader.add_implicit_resolver(_FLOAT, _FLOAT_RE, list("-+0123456789."))


def parse_yaml(data: bytes | str) -> Any:
    """Return the YAML document in ``data`` (UTF-8 bytes or text); raise :class:`YamlError`."""
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as err:
            line = data.count(b"\n", 0, err.start) + 1
            raise YamlError(
                f"is not UTF-8 text (byte 0x{data[err.start]:02x} on line {line}); save it as UTF-8"
            ) from None
    else:
        text = data
    try:
        return yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
        problem = getattr(err, "problem", None) or getattr(err, "context", None)
        problem = problem or (str(err).strip().splitlines() or [type(err).__name__])[0]
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise YamlError(f"invalid YAML{at}: {problem}") from None
    except (ValueError, RecursionError, OverflowError, MemoryError) as err:
        first = (str(err).strip().splitlines() or [type(err).__name__])[0]
        raise YamlError(f"cannot be read as YAML ({first})") from None
