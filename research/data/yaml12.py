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


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    """Return a YAML 1.2 core integer: decimal (``0150`` is 150), ``0o`` octal or ``0x`` hex."""
    text = loader.construct_scalar(node)
    if text[:2] in ("0o", "0x"):
        return int(text[2:], 8 if text[1] == "o" else 16)
    return int(text)


_Loader.add_constructor(_INT, _construct_int)
_Loader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_INT, _FLOAT, _BOOL)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver(
    _BOOL, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Loader.add_implicit_resolver(
    _INT, re.compile(r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$"), list("-+0123456789")
)
_Loader.add_implicit_resolver(
    _FLOAT,
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


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
