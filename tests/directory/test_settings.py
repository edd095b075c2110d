from pathlib import Path

import pytest

from directory import settings as settings_module
from directory.errors import SettingsError
from directory.settings import parse_interval


def test_environment_overrides_file_and_relative_paths_resolve_to_the_project(tmp_path):
    file = tmp_path / "s.toml"
    file.write_text('data_dir = "from-file"\nsearch_backend = "tantivy"\n')
    loaded = settings_module.load(environ={"CF_SETTINGS_FILE": str(file), "CF_DATA_DIR": "elsewhere",
                                           "CF_HARVEST_ALLOW_PRIVATE": "yes"})
    assert loaded.data_dir == settings_module.PROJECT_ROOT / "elsewhere"
    assert loaded.harvest_allow_private is True
    assert loaded.sqlalchemy_url == f"sqlite:///{loaded.data_dir / 'climbing-frame.db'}"


def test_bad_values_fail_fast_naming_the_setting(tmp_path):
    with pytest.raises(SettingsError, match="CF_SEARCH_BACKEND"):
        settings_module.load(environ={"CF_SETTINGS_FILE": str(tmp_path / "x"), "CF_SEARCH_BACKEND": "solr"})
    with pytest.raises(SettingsError, match="harvest_withdraw_guard"):
        settings_module.load(environ={"CF_SETTINGS_FILE": str(tmp_path / "x"), "CF_HARVEST_WITHDRAW_GUARD": "2"})


def test_unknown_keys_in_the_file_are_refused(tmp_path):
    file = tmp_path / "s.toml"
    file.write_text('data_dri = "typo"\n')
    with pytest.raises(SettingsError, match="data_dri"):
        settings_module.load(environ={"CF_SETTINGS_FILE": str(file)})


def test_the_shipped_settings_file_loads():
    loaded = settings_module.load(environ={})
    assert loaded.search_backend in ("tantivy", "elasticsearch")
    assert Path(loaded.config_dir, "vocab", "hecos.csv").exists()


@pytest.mark.parametrize("text, seconds", [("6h", 21600), ("30m", 1800), ("1d", 86400), ("3600", 3600)])
def test_intervals(text, seconds):
    assert parse_interval(text) == seconds


@pytest.mark.parametrize("text", ["10s", "soon", ""])
def test_bad_intervals(text):
    with pytest.raises(SettingsError):
        parse_interval(text)
