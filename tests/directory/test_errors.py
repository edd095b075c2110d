"""The one exception tree (directory.errors): every class drawn in its docstring under its real base, the
module on the ground floor, and every error the web can meet answered as a problem document with its
status, never a trace."""

from __future__ import annotations

import ast
import inspect
import re
from pathlib import Path

import pytest

from directory import errors
from harvester.fetch import _TransientFetchError

ROOT = Path(__file__).resolve().parents[2]
PROJECT = ("climbing_frame", "directory", "harvester", "exchange")
# Drawn in the tree, defined elsewhere: private to its module.
ELSEWHERE = {"_TransientFetchError": _TransientFetchError}


def defined_here() -> dict[str, type]:
    return {name: cls for name, cls in vars(errors).items()
            if inspect.isclass(cls) and issubclass(cls, BaseException) and cls.__module__ == errors.__name__}


def drawn() -> list[tuple[str, str, str | None]]:
    """(class, its parent in the drawing, the built-in base drawn beside it) for every branch of the
    docstring's tree."""
    lines = errors.__doc__.splitlines()
    root = next(i for i, line in enumerate(lines) if line.strip() == "Exception")
    parents = {0: "Exception"}
    branches = []
    for line in lines[root + 1:]:
        marker = re.search(r"[├└]── (\w+)(?: \((\w+)\))?", line)
        if marker is None:
            if line.strip() and not line.lstrip().startswith("│") and not line.startswith(" " * 10):
                break  # the tree is over
            continue
        depth = marker.start() // 4  # "    ├── " is depth 1, "    │   ├── " depth 2, ...
        name = marker.group(1)
        branches.append((name, parents[depth - 1], marker.group(2)))
        parents[depth] = name
    return branches


def resolve(name: str) -> type | None:
    if name == "Exception":
        return Exception
    return defined_here().get(name) or ELSEWHERE.get(name)


def test_every_class_of_the_module_is_drawn_in_the_tree():
    names = {name for name, _, _ in drawn()}
    assert sorted(set(defined_here()) - names) == []


def test_every_class_drawn_is_one_under_the_base_it_is_drawn_under():
    for name, parent, builtin in drawn():
        cls = resolve(name)
        assert cls is not None, f"{name} is drawn but defined nowhere"
        bases = [base.__name__ for base in cls.__bases__]
        assert bases == [builtin or parent], f"{name} is drawn under {parent} ({builtin}), but its bases are {bases}"
        assert issubclass(cls, resolve(parent))


def test_the_tree_is_the_ground_floor_it_imports_nothing_of_the_project():
    tree = ast.parse((ROOT / "directory" / "errors.py").read_text(encoding="utf-8"))
    imported = [node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)]
    imported += [alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names]
    assert [m for m in imported if m.split(".")[0] in PROJECT or not m or m.startswith(".")] == []
    assert not any(node.level for node in ast.walk(tree) if isinstance(node, ast.ImportFrom))


def test_the_classes_callers_catch_by_their_builtin_base_keep_it():
    # ``except ValueError`` in the schema's and settings' checks, ``except RuntimeError`` around the engine.
    for cls in (errors.VocabularyError, errors.PolicyError, errors.SettingsError):
        assert issubclass(cls, ValueError)
    for cls in (errors.SearchUnavailable, errors.RebuildLost):
        assert issubclass(cls, RuntimeError)


# Every error the web can meet, how it is made, and the status it is answered with. SettingsError is not
# among them: settings are read before anything is served (it stops the process at start-up).
ANSWERS: dict[str, int] = {
    "DomainError": 400, "Invalid": 400, "ProfileError": 400, "BadCursor": 400, "Forbidden": 403, "NotFound": 404,
    "Conflict": 409, "RebuildRunning": 409, "IllegalTransition": 409, "PreconditionRequired": 428,
    "AuditUnavailable": 503, "SearchUnavailable": 503, "RebuildLost": 503, "AddressRefused": 400,
    "VocabularyError": 400, "PolicyError": 400, "FeedError": 400, "FetchError": 502,
    "_TransientFetchError": 502,
}
NOT_FOR_THE_WEB = {"SettingsError"}


def make(name: str) -> BaseException:
    cls = resolve(name)
    if name == "ProfileError":
        return cls("mapping profile", "levels.Higher", 3, "unknown framework 'XQF'")
    if issubclass(cls, errors.FetchError):
        return cls("HTTP 500 Internal Server Error", status=500)
    return cls(f"{name} says why")


def test_every_error_of_the_module_is_answered_or_said_not_to_reach_the_web():
    assert sorted(set(defined_here()) - set(ANSWERS) - NOT_FOR_THE_WEB) == []


@pytest.fixture
def raising(app):
    """The app with two routes that raise the named error: one of the API, one page."""
    def boom(name: str):
        raise make(name)

    app.add_url_rule("/api/v1/_test/raise/<name>", "test_raise_api", boom)
    app.add_url_rule("/_test/raise/<name>", "test_raise_page", boom)
    return app.test_client()


@pytest.mark.parametrize("name", [name for name in ANSWERS if resolve(name) is not None])
def test_each_error_is_a_problem_document_with_its_status(raising, name):
    response = raising.get(f"/api/v1/_test/raise/{name}")
    body = response.get_data(as_text=True)
    assert response.status_code == ANSWERS[name]
    assert response.mimetype == "application/problem+json"
    assert response.json["status"] == ANSWERS[name] and response.json["title"]
    assert response.json["type"] == "about:blank"
    assert "Traceback" not in body and "File \"" not in body
    if name == "SearchUnavailable":
        assert response.headers["Retry-After"] == "30"
        assert "says why" not in body  # the engine's own words go to the log


@pytest.mark.parametrize("name", ["Invalid", "AddressRefused", "FetchError", "RebuildLost"])
def test_a_person_gets_the_same_status_as_a_page(raising, name):
    response = raising.get(f"/_test/raise/{name}", headers={"Accept": "text/html"})
    page = response.get_data(as_text=True)
    assert response.status_code == ANSWERS[name] and response.mimetype == "text/html"
    assert "Traceback" not in page


def test_an_error_outside_domain_error_is_answered_with_its_own_words(raising):
    response = raising.get("/api/v1/_test/raise/AddressRefused")
    assert response.json == {"type": "about:blank", "title": "Address refused", "status": 400,
                             "detail": "AddressRefused says why"}


def test_an_error_outside_the_tree_is_a_500_without_its_trace(app):
    def broken():
        raise KeyError("internal detail")

    app.add_url_rule("/api/v1/_test/broken", "test_broken", broken)
    response = app.test_client().get("/api/v1/_test/broken")
    body = response.get_data(as_text=True)
    assert response.status_code == 500 and response.mimetype == "application/problem+json"
    assert "internal detail" not in body and "Traceback" not in body
