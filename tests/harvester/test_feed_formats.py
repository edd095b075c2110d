"""Every feed format adapter is a FeedFormat (harvester.formats.base), and a new format is a module plus its
registry line: nothing outside harvester/formats names an adapter module."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path
from types import ModuleType

import pytest

from harvester import formats
from harvester.formats import FeedDocument, FeedFormat, Record, native, xcri_cap

HARVESTER = Path(formats.__file__).resolve().parents[1]


@pytest.mark.parametrize("name", sorted(formats.ADAPTERS))
def test_every_registered_adapter_satisfies_the_feed_format_protocol(name):
    adapter = formats.adapter(name)
    assert isinstance(adapter, FeedFormat)
    assert adapter.FORMAT == name
    assert isinstance(adapter.VERSION, str) and adapter.VERSION
    assert list(inspect.signature(adapter.parse).parameters) == ["data"]


def test_the_registry_holds_every_adapter_module_of_the_package():
    assert set(formats.ADAPTERS.values()) == {native, xcri_cap}
    assert formats.ADAPTERS_IN_ORDER == (native, xcri_cap)


def test_a_new_format_is_a_module_with_three_names_and_one_registry_entry():
    new = ModuleType("harvester.formats.csv_courses")
    new.FORMAT, new.VERSION = "csv-courses", "1"
    new.parse = lambda data: FeedDocument(None, [Record(line, {"id": line}) for line in data.decode().split()])
    found = formats.registry((*formats.ADAPTERS_IN_ORDER, new))
    assert found["csv-courses"] is new and isinstance(new, FeedFormat)
    assert [item.id for item in found["csv-courses"].parse(b"A B").items] == ["A", "B"]


def test_something_without_the_three_names_or_under_a_taken_name_is_refused():
    incomplete = ModuleType("incomplete")
    incomplete.FORMAT = "incomplete"
    with pytest.raises(ValueError, match="not a feed format adapter"):
        formats.registry([incomplete])
    with pytest.raises(ValueError, match="two adapters are named 'native'"):
        formats.registry([native, native])


def test_no_module_outside_the_formats_package_imports_an_adapter_module():
    """The pipeline, the dry run and the feed registry reach adapters through ``formats.adapter(name)`` only,
    so adding a format never edits them."""
    adapters = {f"harvester.formats.{module.__name__.rpartition('.')[2]}" for module in formats.ADAPTERS_IN_ORDER}
    offenders = []
    for path in HARVESTER.rglob("*.py"):
        if "formats" in path.relative_to(HARVESTER).parts:
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                base = "harvester." * (node.level > 0) + (node.module or "")
                named = {f"{base}.{alias.name}".replace("harvester..", "harvester.") for alias in node.names}
                if (named | {base}) & adapters:
                    offenders.append(str(path.relative_to(HARVESTER)))
            elif isinstance(node, ast.Import) and {alias.name for alias in node.names} & adapters:
                offenders.append(str(path.relative_to(HARVESTER)))
    assert offenders == []
