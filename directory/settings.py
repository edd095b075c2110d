"""Settings: declared once, loaded once, frozen.

Every setting has a type, a default and a line of documentation here. Values come, in rising order of
precedence, from the defaults below, the settings file (``config/settings.toml`` unless ``CF_SETTINGS_FILE``
names another) and ``CF_*`` environment variables (``CF_DATA_DIR`` for ``data_dir``, ...). Start-up fails
fast, naming the setting, when a value does not parse.

Relative paths are resolved against the project root (the folder holding ``config/``), not the working
directory, so the ``climbing-frame`` command behaves the same wherever it is run from.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from .catalogue.listing import DEFAULT_EXPECTED, DEFAULT_REQUIRED, check_policy
from .errors import PolicyError, SettingsError

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in {"1", "true", "yes", "on"}:
        return True
    if text in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"not a boolean: {value!r}")


def _fraction(value: Any) -> float:
    number = float(value)
    if not 0.0 <= number <= 1.0:
        raise ValueError(f"must be between 0 and 1, got {number}")
    return number


def _positive_int(value: Any) -> int:
    number = int(value)
    if number <= 0:
        raise ValueError(f"must be a positive whole number, got {number}")
    return number


def _non_negative_int(value: Any) -> int:
    number = int(value)
    if number < 0:
        raise ValueError(f"must be a whole number of 0 or more, got {number}")
    return number


def _positive_float(value: Any) -> float:
    number = float(value)
    if number <= 0:
        raise ValueError(f"must be positive, got {number}")
    return number


def _choice(*allowed: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = str(value).strip()
        if text not in allowed:
            raise ValueError(f"must be one of {', '.join(allowed)}; got {text!r}")
        return text

    return parse


def _iso_dates(value: Any) -> tuple[str, ...]:
    """A list of ISO dates (or one comma-separated string of them), checked and sorted."""
    from datetime import date

    items = [v.strip() for v in value.split(",")] if isinstance(value, str) else [str(v) for v in value]
    return tuple(sorted(date.fromisoformat(v).isoformat() for v in items if v))


def _clock_start(value: Any) -> str:
    from .clock import parse_start

    text = str(value).strip()
    parse_start(text)  # fails fast on a value that is not an ISO date or date-time
    return text


def _field_names(value: Any) -> tuple[str, ...]:
    """A list of canonical record field names (or one comma-separated string of them, as a CF_ variable
    gives it); unknown names refused, naming the known ones."""
    from .catalogue.listing import check_names

    items = value.split(",") if isinstance(value, str) else [str(v) for v in value]
    try:
        return check_names(items, "listing policy")
    except PolicyError as exc:
        raise ValueError(str(exc)) from None


def _setting(default: Any, parse: Callable[[Any], Any], doc: str) -> Any:
    return field(default=default, metadata={"parse": parse, "doc": doc})


@dataclass(frozen=True)
class Settings:
    """The whole configuration of one Climbing Frame instance."""

    data_dir: Path = _setting(
        Path("var"), Path, "Where the embedded database, search index and other state live."
    )
    config_dir: Path = _setting(Path("config"), Path, "Settings files and data (vocabularies, demo).")
    database_url: str = _setting(
        "", str, "SQLAlchemy URL of the relational store; empty means SQLite in the data directory."
    )
    search_backend: str = _setting(
        "tantivy", _choice("tantivy", "elasticsearch"), "The search engine: tantivy or elasticsearch."
    )
    search_facet_cache: int = _setting(
        1024, _non_negative_int,
        "Facet counts of this many recent searches kept per tantivy reader until the next commit (0: none).",
    )
    elasticsearch_url: str = _setting("http://127.0.0.1:9200", str, "Elasticsearch URL (scale-out).")
    elasticsearch_index: str = _setting("climbing-frame-courses", str, "Elasticsearch alias name.")
    secret_key: str = _setting("", str, "Signs sessions and tokens. Required outside development.")
    audit_key: str = _setting(
        "", str,
        "Keys the exchange's audit chain (HMAC); never stored in the database. Empty: derived from secret_key; "
        "with neither set the exchange refuses changes.",
    )
    base_url: str = _setting("http://127.0.0.1:5000", str, "Public address of the directory.")
    proxy_hops: int = _setting(
        0, _non_negative_int,
        "Reverse proxies in front of the web workers whose X-Forwarded-For/-Proto are trusted for the "
        "client's address and scheme (0: none; the address then is the proxy's).",
    )
    harvest_allow_private: bool = _setting(
        False, _bool, "Allow feed URLs that resolve to private or loopback addresses (demo, tests)."
    )
    oidc_allow_private: bool = _setting(
        False, _bool, "Allow OpenID Connect issuers (and their endpoints) at private or loopback addresses (tests)."
    )
    oidc_timeout: float = _setting(10.0, _positive_float, "Seconds to wait for a member's identity provider.")
    harvest_connect_timeout: float = _setting(10.0, _positive_float, "Seconds to connect to a feed.")
    harvest_read_timeout: float = _setting(60.0, _positive_float, "Seconds between bytes of a feed.")
    harvest_total_timeout: float = _setting(
        900.0, _positive_float, "Seconds allowed for reading one whole feed body (slow-drip servers)."
    )
    harvest_max_bytes: int = _setting(
        512 * 1024 * 1024, _positive_int, "Largest feed body accepted, in bytes."
    )
    request_max_bytes: int = _setting(
        1024 * 1024, _positive_int,
        "Largest request body the API and forms accept, in bytes (publishing a catalogue: harvest_max_bytes).",
    )
    harvest_max_redirects: int = _setting(5, int, "Redirects followed when fetching a feed.")
    harvest_retries: int = _setting(3, int, "Retries after a 5xx answer or connection error.")
    harvest_backoff: float = _setting(1.0, float, "First retry delay in seconds (doubles each retry).")
    harvest_withdraw_guard: float = _setting(
        0.5, _fraction, "Share of a feed's active courses (those it listed last) one run may withdraw before it is held."
    )
    harvest_default_interval: str = _setting("6h", str, "How often a feed is harvested by default.")
    harvest_lease_seconds: float = _setting(
        300.0, _positive_float,
        "Seconds a harvest run's hold on its feed lasts unless renewed: how soon after a crashed run the "
        "feed can be harvested again.",
    )
    harvest_lease_renew_seconds: float = _setting(
        60.0, _positive_float,
        "Seconds between renewals of a working run's hold on its feed (at most a third of "
        "harvest_lease_seconds is used).",
    )
    feeds_file: str = _setting(
        "", str, "A TOML file of feeds to register at scheduler start (deployments); empty for none."
    )
    log_level: str = _setting("INFO", str, "Logging level.")
    clock_start: str = _setting(
        "", _clock_start,
        "Run the product's calendar from this ISO date or date-time instead of the system clock (tests, "
        "rehearsals); it ticks forward from there. Empty: the system clock.",
    )
    access_token_lifetime: int = _setting(
        900, _positive_int, "Seconds an OAuth access token (client credentials) stays valid."
    )
    session_lifetime: int = _setting(
        43200, _positive_int, "Seconds a signed-in browser session lasts at most, however busy."
    )
    session_idle_timeout: int = _setting(
        7200, _positive_int, "Seconds without a request after which a signed-in browser session ends."
    )
    signin_max_failures: int = _setting(
        5, _positive_int, "Failed sign-ins in a row after which an account is locked."
    )
    signin_lockout_seconds: int = _setting(900, _positive_int, "How long a locked account stays locked.")
    signin_address_max_failures: int = _setting(
        20, _positive_int, "Failed sign-ins from one address within the window after which it is refused."
    )
    signin_address_window: int = _setting(
        900, _positive_int, "Seconds over which failed sign-ins from one address are counted."
    )
    oauth_failure_window: int = _setting(
        60, _positive_int,
        "Seconds over which failed OAuth client authentications are counted; each address and client gets "
        "at most one audit line of them per window.",
    )
    oauth_address_max_failures: int = _setting(
        20, _positive_int,
        "Failed OAuth client authentications from one address within the window after which its OAuth "
        "requests get 429 (counted per web worker process).",
    )
    oauth_client_max_failures: int = _setting(
        10, _positive_int,
        "Failed authentications of one OAuth client id within the window after which the addresses it "
        "failed from get 429 for it; other addresses still get through (counted per web worker process).",
    )
    password_reset_lifetime: int = _setting(3600, _positive_int, "Seconds a password reset link works.")
    password_set_lifetime: int = _setting(
        604800, _positive_int, "Seconds a new account's set-password link works."
    )
    password_min_length: int = _setting(10, _positive_int, "Shortest password accepted.")
    credit_shelf_life_years: int = _setting(
        5, _positive_int, "Years after its award that credit counts towards a pathway (the planner's shelf-life)."
    )
    credit_expiry_warning_months: int = _setting(
        12, _positive_int, "The planner warns about credit whose shelf-life ends within this many months."
    )
    decision_working_days: int = _setting(
        10, _positive_int, "Working days within which a credit transfer request should be decided."
    )
    bank_holidays: tuple[str, ...] = _setting(
        (), _iso_dates, "Bank holidays (ISO dates) that are not working days for decision targets."
    )
    smtp_host: str = _setting("", str, "Mail server for notifications; empty keeps messages queued.")
    smtp_port: int = _setting(25, _positive_int, "Mail server port.")
    smtp_from: str = _setting("climbing-frame@localhost", str, "Sender address of notification emails.")
    webhook_retries: int = _setting(3, int, "Retries of a failed webhook call within one delivery run.")
    webhook_backoff: float = _setting(1.0, float, "First webhook retry delay in seconds (doubles each retry).")
    webhook_timeout: float = _setting(10.0, _positive_float, "Seconds to wait for a member's webhook to answer.")
    listing_required: tuple[str, ...] = _setting(
        DEFAULT_REQUIRED, _field_names,
        "Course record fields a course needs to be listed (the listing policy; a member's mapping profile may "
        "add to them). Always includes id, title, url, credit, level, subjects, mode.",
    )
    listing_expected: tuple[str, ...] = _setting(
        DEFAULT_EXPECTED, _field_names,
        "Course record fields a listed course should publish: warnings to the publisher, 'not published yet' "
        "on the course page. A field also in listing_required counts as required.",
    )

    def __post_init__(self) -> None:
        try:
            check_policy(self.listing_required, self.listing_expected)
        except PolicyError as exc:
            raise SettingsError(f"listing policy: {exc}") from None

    @property
    def listing_expected_only(self) -> tuple[str, ...]:
        """The expected fields that the consortium has not moved to required."""
        return tuple(name for name in self.listing_expected if name not in self.listing_required)

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{self.data_dir / 'climbing-frame.db'}"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def vocab_dir(self) -> Path:
        return self.config_dir / "vocab"


def describe() -> list[tuple[str, str, Any, str]]:
    """(setting, environment variable, default, documentation) for every setting."""
    return [
        (f.name, "CF_" + f.name.upper(), f.default, f.metadata["doc"]) for f in fields(Settings)
    ]


def load(
    overrides: Mapping[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
) -> Settings:
    """Build the settings from defaults, the settings file, ``CF_*`` variables and ``overrides``."""
    environ = os.environ if environ is None else environ
    raw: dict[str, Any] = {}
    settings_file = Path(environ.get("CF_SETTINGS_FILE") or PROJECT_ROOT / "config" / "settings.toml")
    if settings_file.exists():
        with settings_file.open("rb") as handle:
            raw.update(tomllib.load(handle))
    known = {f.name for f in fields(Settings)}
    unknown = set(raw) - known
    if unknown:
        raise SettingsError(f"{settings_file}: unknown settings {', '.join(sorted(unknown))}")
    for name in known:
        value = environ.get("CF_" + name.upper())
        if value is not None:
            raw[name] = value
    raw.update(overrides or {})

    values: dict[str, Any] = {}
    for f in fields(Settings):
        if f.name not in raw:
            continue
        try:
            values[f.name] = f.metadata["parse"](raw[f.name])
        except (TypeError, ValueError) as exc:
            raise SettingsError(f"setting {f.name} (CF_{f.name.upper()}): {exc}") from exc
    settings = Settings(**values)
    return _resolve_paths(settings)


def _resolve_paths(settings: Settings) -> Settings:
    def absolute(path: Path) -> Path:
        return path if path.is_absolute() else (PROJECT_ROOT / path).resolve()

    return replace(
        settings, data_dir=absolute(settings.data_dir), config_dir=absolute(settings.config_dir)
    )


def parse_interval(text: str) -> int:
    """'90s', '15m', '6h', '1d' or plain seconds -> seconds."""
    text = text.strip().lower()
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    try:
        if text and text[-1] in units:
            seconds = int(float(text[:-1]) * units[text[-1]])
        else:
            seconds = int(text)
    except ValueError:
        raise SettingsError(f"not an interval: {text!r} (use e.g. 30m, 6h, 1d)") from None
    if seconds < 60:
        raise SettingsError(f"interval {text!r} is shorter than a minute")
    return seconds
