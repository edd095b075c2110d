"""`climbing-frame overlaps recompute`, as an operator runs it."""

from __future__ import annotations

from click.testing import CliRunner

from climbing_frame.cli import main
from tests.conftest import TEST_DATABASE_URL
from tests.directory.overlaps.test_service import GROUP_ACCOUNTS, REWRITTEN, listed, publish
from tests.factories import course


def test_recompute_rebuilds_every_overlap(instance, tmp_path, monkeypatch):
    publish(instance, "10000001", [course("GA", **GROUP_ACCOUNTS), course("GA2", **REWRITTEN)])
    for key, value in {"CF_SETTINGS_FILE": str(tmp_path / "none.toml"), "CF_DATA_DIR": str(instance.settings.data_dir),
                       "CF_DATABASE_URL": TEST_DATABASE_URL, "CF_SECRET_KEY": "test", "CF_LOG_LEVEL": "WARNING"}.items():
        monkeypatch.setenv(key, value)
    result = CliRunner().invoke(main, ["overlaps", "recompute"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "2 courses" in result.output and "1 overlaps" in result.output
    assert listed(instance, "10000001", "GA").total == 1
