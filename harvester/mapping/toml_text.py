"""A profile's TOML text: where each key of it is (so a refusal names its line), and a profile written as
TOML a person can edit. Pure text handling: no profile rules here."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

_BARE = re.compile(r"[A-Za-z0-9_-]+")


def split_key(text: str, start: int = 0) -> tuple[list[str], int] | None:
    """A dotted TOML key from ``start``: its parts and where it ends; None when there is none."""
    parts: list[str] = []
    i = start
    while True:
        while i < len(text) and text[i] in " \t":
            i += 1
        if i >= len(text):
            return None
        if text[i] == '"':
            j, part = i + 1, []
            while j < len(text) and text[j] != '"':
                if text[j] == "\\" and j + 1 < len(text):
                    part.append(text[j:j + 2].encode().decode("unicode_escape", "replace"))
                    j += 2
                    continue
                part.append(text[j])
                j += 1
            parts.append("".join(part))
            i = j + 1
        elif text[i] == "'":
            j = text.find("'", i + 1)
            if j < 0:
                return None
            parts.append(text[i + 1:j])
            i = j + 1
        else:
            bare = _BARE.match(text, i)
            if not bare:
                return None
            parts.append(bare.group())
            i = bare.end()
        while i < len(text) and text[i] in " \t":
            i += 1
        if i < len(text) and text[i] == ".":
            i += 1
            continue
        return parts, i


class KeyLines:
    """Where each table and key of a TOML text is (1-based lines): good enough for a person to find it.
    Keys inside inline tables are found by the line of the key that holds them."""

    def __init__(self, text: str, root: tuple[str, ...] = (), occurrence: int | None = None) -> None:
        self.found: dict[tuple[str, ...], int] = {}
        table: tuple[str, ...] = ()
        arrays: dict[tuple[str, ...], int] = {}
        inside = occurrence is None
        for number, line in enumerate(text.splitlines(), start=1):
            stripped = line.strip()
            if stripped.startswith("["):
                array = stripped.startswith("[[")
                split = split_key(stripped, 2 if array else 1)
                if split is None:
                    continue
                table = tuple(split[0])
                if array:
                    arrays[table] = arrays.get(table, -1) + 1
                    if occurrence is not None and root and table == root[:len(table)]:
                        inside = arrays[table] == occurrence
                    table = table  # an array entry's keys sit under its name
            elif stripped and not stripped.startswith("#"):
                split = split_key(stripped)
                if split is None or split[1] >= len(stripped) or stripped[split[1]] != "=":
                    continue
                path = (*table, *split[0])
                if inside:
                    self._record(path, number, root)
                continue
            else:
                continue
            if inside:
                self._record(table, number, root)

    def _record(self, path: tuple[str, ...], number: int, root: tuple[str, ...]) -> None:
        if path[:len(root)] != root:
            return
        self.found.setdefault(path[len(root):], number)

    def find(self, path: tuple[str, ...]) -> int | None:
        for end in range(len(path), 0, -1):
            if path[:end] in self.found:
                return self.found[path[:end]]
        return min(self.found.values()) if self.found else None


def key_on_line(text: str, line: int | None) -> str | None:
    if line is None:
        return None
    lines = text.splitlines()
    if not 0 < line <= len(lines):
        return None
    stripped = lines[line - 1].strip().lstrip("[").lstrip("[")
    split = split_key(stripped)
    return ".".join(split[0]) if split else None


# --- writing ----------------------------------------------------------------------------------------


def toml_string(value: str) -> str:
    escaped = []
    for ch in value:
        if ch in '"\\':
            escaped.append("\\" + ch)
        elif ch == "\n":
            escaped.append("\\n")
        elif ch == "\t":
            escaped.append("\\t")
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            escaped.append(f"\\u{ord(ch):04x}")
        else:
            escaped.append(ch)
    return '"' + "".join(escaped) + '"'


def toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_-]*", key) else toml_string(key)


def toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{ " + ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    raise TypeError(f"no TOML form for {value!r}")


def profile_toml(table: Mapping[str, Any], prefix: str) -> str:
    blocks: list[str] = []

    def block(header: str, entries: Mapping[str, Any]) -> None:
        blocks.append("\n".join([f"[{prefix}{header}]", *(f"{toml_key(k)} = {toml_value(v)}"
                                                         for k, v in entries.items())]))

    for label, scheme in table.get("credit_schemes", {}).items():
        header = f"credit_schemes.{toml_key(label)}"
        block(header, {"system": scheme["system"], "factor": scheme["factor"]})
        if scheme.get("levels"):
            block(f"{header}.levels", scheme["levels"])
    for name in ("levels", "defaults", "subjects", "listing", "qualifications"):
        if table.get(name):
            block(name, table[name])
    return "\n\n".join(blocks) + ("\n" if blocks else "")
