"""YAML with positions: every value remembers the line and column it was written at.

PyYAML silently keeps the last of two equal keys and forgets where values stood, so we compose the
node tree ourselves, report duplicate keys, and let PyYAML's safe constructor type the scalars.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml


@dataclass(slots=True)
class Located:
    """A YAML value (dict of Located, list of Located, or a scalar) and where it starts (1-based)."""

    value: Any
    line: int
    col: int
    keys: dict[str, tuple[int, int]] | None = None  # mappings: where each key was written

    def key_at(self, key: str) -> Located:
        line, col = (self.keys or {}).get(key, (self.line, self.col))
        return Located(None, line, col)

    @property
    def plain(self) -> Any:
        if isinstance(self.value, dict):
            return {k: v.plain for k, v in self.value.items()}
        if isinstance(self.value, list):
            return [v.plain for v in self.value]
        return self.value


@dataclass
class YamlProblem:
    line: int
    col: int
    message: str
    key: str | None = None  # set for duplicate keys: the path the duplicate stands at


# libyaml's parser gives the same nodes and marks, about ten times faster than the pure-Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_STR = "tag:yaml.org,2002:str"


def parse(text: str) -> tuple[Located | None, list[YamlProblem]]:
    """Parse text into Located values; syntax errors and duplicate keys come back as problems."""
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        message = " ".join(p for p in (exc.context, exc.problem) if p) or "invalid YAML"
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        return None, [YamlProblem(line, col, f"YAML syntax error: {message}")]
    except yaml.YAMLError as exc:
        return None, [YamlProblem(1, 1, f"YAML error: {exc}")]
    if root is None:
        return None, [YamlProblem(1, 1, "the file is empty")]
    problems: list[YamlProblem] = []
    return _convert(root, yaml.SafeLoader(""), problems, ()), problems


def _convert(node: yaml.Node, constructor: yaml.SafeLoader, problems: list[YamlProblem], path: tuple) -> Located:
    line, col = node.start_mark.line + 1, node.start_mark.column + 1
    if isinstance(node, yaml.MappingNode):
        items: dict[str, Located] = {}
        keys: dict[str, tuple[int, int]] = {}
        for key_node, value_node in node.value:
            key = _scalar(key_node, constructor) if isinstance(key_node, yaml.ScalarNode) else "?"
            key = str(key)
            if key in items:
                problems.append(YamlProblem(key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                                            f"duplicate key '{key}' (first at line {items[key].line}); "
                                            "YAML would silently keep only the last one", key=_dotted(path + (key,))))
                continue
            items[key] = _convert(value_node, constructor, problems, path + (key,))
            keys[key] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        return Located(items, line, col, keys)
    if isinstance(node, yaml.SequenceNode):
        return Located([_convert(n, constructor, problems, path + (i,)) for i, n in enumerate(node.value)], line, col)
    assert isinstance(node, yaml.ScalarNode)  # the third and last kind of YAML node
    return Located(_scalar(node, constructor), line, col)


def _scalar(node: yaml.ScalarNode, constructor: yaml.SafeLoader):
    if node.tag == _STR:  # most scalars are plain text: skip the constructor's dispatch
        return node.value
    return constructor.construct_object(node)


def _dotted(path: tuple) -> str:
    """('talks', 3, 'start') → talks[3].start; built only for the rare message that needs it."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out
