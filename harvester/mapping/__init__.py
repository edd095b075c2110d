"""A feed's mapping profile: how the directory reads the values a member's feed writes its own way.

A profile is TOML: the tables under ``[feed.mapping]`` of a feed in feeds.toml, or a file holding the same
tables at its top level (``feeds mapping FEED FILE``, ``feeds check --mapping FILE``)::

    [credit_schemes."Example University"]   # keyed by the scheme label the feed uses
    system = "CATS"                          # CATS | ECTS | SCQF | CQFW
    factor = 1                               # points x factor = credits in that system
    [credit_schemes."Example University".levels]
    "1" = { framework = "FHEQ", value = 4 }
    [levels]                                 # level texts outside a credit block
    "Higher" = { framework = "SCQF", value = 6 }
    [defaults]                               # only where a record says nothing
    mode = ["online-asynchronous"]
    language = "en"                          # or languages = ["en", "cy"]
    [subjects]                               # free text or a code -> a HECoS code, or {scheme, code}
    "History" = "100302"
    [listing]
    required = ["learning_outcomes"]         # a member's stricter listing policy (field names)
    [qualifications]
    url_pattern = "/qualifications/"         # regular expressions naming qualification records
    title_pattern = "^(BA|BSc|MA|MSc)\\b"

Everything is checked when the profile is read: an unknown key, system, framework, mode or subject scheme,
a level its framework does not have, a bad language tag, a factor that is not positive, a regular
expression that does not compile, and TOML that does not parse are refused with ``directory.errors.ProfileError`` naming
the key and its line. Subject codes are checked against the vocabularies when the caller passes them
(the registry, the CLI and the web always do); without them the validator refuses an unknown code when
the record is harvested.

``apply(profile, raw)`` is pure: it maps one adapter record (native field names) and never invents a value
the profile does not give. Labels (credit schemes, levels, subjects) are matched ignoring case and extra
spaces.

The parts: ``profile`` (the model, ``label_key``), ``reading`` (text and tables to a
profile), ``toml_text`` (key lines, writing TOML), ``applying`` (``apply``).
"""

from __future__ import annotations

from .applying import apply
from .profile import CreditScheme, MappingProfile, Placement, label_key
from .reading import SECTIONS, parse_profile_text, profile_from_table
from .toml_text import toml_string

EMPTY = profile_from_table({}, source="no profile")

__all__ = ["EMPTY", "SECTIONS", "CreditScheme", "MappingProfile", "Placement", "apply", "label_key",
           "parse_profile_text", "profile_from_table", "toml_string"]
