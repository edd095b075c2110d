import re
from decimal import Decimal
from pathlib import Path

import pytest

from directory.catalogue.vocab import credit_in_cats, eqf_level, vocabularies
from directory.errors import VocabularyError

VOCAB = vocabularies(Path(__file__).resolve().parents[2] / "config" / "vocab")


@pytest.mark.parametrize("framework, value, eqf", [
    ("FHEQ", 4, 5), ("FHEQ", 5, 5), ("FHEQ", 6, 6), ("FHEQ", 7, 7), ("FHEQ", 8, 8),
    ("SCQF", 7, 5), ("SCQF", 8, 5), ("SCQF", 9, 6), ("SCQF", 10, 6), ("SCQF", 11, 7), ("SCQF", 12, 8),
    ("CQFW", 4, 5), ("CQFW", 7, 7), ("EQF", 6, 6),
    # Below higher education: levels like any other (the listing policy decides what is listed).
    ("SCQF", 3, 1), ("SCQF", 4, 2), ("SCQF", 5, 3), ("SCQF", 6, 4), ("EQF", 1, 1), ("EQF", 4, 4),
    ("RQF", 1, 2), ("RQF", 3, 4), ("RQF", 4, 5), ("RQF", 7, 7), ("CQFW", 2, 3), ("CQFW", 3, 4),
])
def test_levels_normalise_to_eqf(framework, value, eqf):
    assert eqf_level(framework, value) == eqf


@pytest.mark.parametrize(("framework", "value", "says"), [
    ("FHEQ", 3, "FHEQ level 3 is not a higher-education level (the FHEQ's levels are 4 to 8)"),
    ("FHEQ", 9, "the FHEQ's levels are 4 to 8"),
    ("SCQF", 13, "SCQF level 13 does not exist (the SCQF's levels are 1 to 12)"),
    ("RQF", 0, "the RQF's levels are 1 to 8"),
    ("EQF", 9, "the EQF's levels are 1 to 8"),
    # SCQF 1 and 2 are SCQF levels, but below EQF level 1: there is no EQF level to store.
    ("SCQF", 2, "SCQF level 2 has no EQF level: it is below EQF level 1 (SCQF 3)"),
    ("NVQ", 3, "unknown level framework 'NVQ'"),
])
def test_levels_a_framework_does_not_have_are_refused_saying_why(framework, value, says):
    with pytest.raises(VocabularyError, match=re.escape(says)):
        eqf_level(framework, value)


def test_credit_normalises_to_cats():
    assert credit_in_cats(Decimal("7.5"), "ECTS") == 15
    assert credit_in_cats(Decimal(20), "SCQF") == 20
    assert credit_in_cats(Decimal(10), "CQFW") == 10


def test_hecos_codes_carry_their_cah_groups():
    subject = VOCAB.subject("HECoS", "100366")
    assert subject.name == "Computer science"
    assert (subject.cah3, subject.cah2, subject.cah1) == ("CAH11-01-01", "CAH11-01", "CAH11")


def test_jacs_codes_map_to_cah_and_unnamed_codes_take_the_group_name():
    assert VOCAB.subject("JACS3", "f660").name == "Geophysics"
    unnamed = VOCAB.subject("JACS3", "G400")
    assert unnamed.cah1 == "CAH11" and unnamed.name == VOCAB.cah_name("CAH11-01-01")


def test_unknown_codes_are_errors():
    with pytest.raises(VocabularyError):
        VOCAB.subject("HECoS", "999999")
    with pytest.raises(VocabularyError):
        VOCAB.subject("LCSH", "x")



def test_every_jacs_code_with_a_cah_group_rolls_up_to_cah_levels_2_and_1():
    # The JACS mapping came in CAH v1.2 codes that v1.3 rescinded: those subjects had no CAH level 1
    # group and so no subject facet.
    mapped = [s for s in VOCAB.jacs.values() if s.cah3]
    assert len(mapped) == len(VOCAB.jacs) - 9
    assert all(s.cah3 in VOCAB.cah and s.cah2 and s.cah1 for s in mapped)
    anatomy = VOCAB.subject("JACS3", "B100")
    assert (anatomy.cah3, anatomy.cah2, anatomy.cah1) == ("CAH02-05-04", "CAH02-05", "CAH02")


def test_ldcs_codes_map_through_jacs_to_cah():
    writing = VOCAB.subject("LDCS", "KC.3")
    assert (writing.scheme, writing.code, writing.name, writing.jacs3) == (
        "LDCS", "KC.3", "creative writing", "W830"
    )
    assert (writing.cah3, writing.cah2, writing.cah1) == ("CAH19-01-05", "CAH19-01", "CAH19")
    assert VOCAB.subject("LDCS", "A").cah1 == "CAH17"  # a one-letter top-level group
    assert len(VOCAB.ldcs) == 4475
    # Every LDCS code the mapping places rolls up to a CAH group of the vocabulary we ship.
    assert all(s.cah3 in VOCAB.cah and s.cah1 for s in VOCAB.ldcs.values() if s.cah3)


@pytest.mark.parametrize("written", ["DB.", "DB", "db.", " db "])
def test_ldcs_group_codes_are_found_with_or_without_their_full_stop_in_any_case(written):
    history = VOCAB.subject("LDCS", written)
    assert (history.code, history.name, history.cah3) == ("DB.", "HISTORY", "CAH23-01-03")


def test_ldcs_codes_published_without_a_name_are_named_after_their_jacs_subject():
    unnamed = VOCAB.subject("LDCS", "CP.")
    assert unnamed.name == VOCAB.subject("JACS3", "Z990").name != "CP."


@pytest.mark.parametrize("code", ["CP.1", "KC.99", "ZZ.", "100366", "B100", ""])
def test_unknown_ldcs_codes_are_errors_naming_the_code(code):
    with pytest.raises(VocabularyError, match=re.escape(f"{code!r} is not an LDCS code")):
        VOCAB.subject("LDCS", code)
