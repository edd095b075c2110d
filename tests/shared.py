"""The consortium's shared reference data (``../shared`` beside the checkout, as on every development and
CI machine): real feeds and vocabularies nobody here wrote. Tests that need it fail, never skip, when it is
missing, so a CI run cannot pass without the real data."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"


def shared_path(*parts: str) -> Path:
    """A path under ../shared; the calling test fails when it is not there."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.fail(f"{path} is missing: the shared data folder must sit beside the checkout ({SHARED})")
    return path
