"""Organisation identifiers: how document identifiers are compared and which scheme a bare one gets."""

from __future__ import annotations

import pytest

from directory.errors import Invalid
from directory.identity import organisations
from directory.identity.identity import OPERATOR


@pytest.mark.parametrize("spelling", ["http://www.example.ac.uk/", "https://WWW.Example.AC.UK",
                                      "http://www.example.ac.uk:80/", " http://www.example.ac.uk// "])
def test_web_addresses_match_whatever_their_scheme_host_case_port_or_trailing_slash(spelling):
    assert organisations.identifier_key(spelling) == organisations.identifier_key("https://www.example.ac.uk")


def test_addresses_with_different_paths_and_codes_with_different_text_do_not_match():
    key = organisations.identifier_key
    assert key("http://www.example.ac.uk/") != key("http://www.example.ac.uk/law/")
    assert key("http://www.example.ac.uk/Law") != key("http://www.example.ac.uk/law")  # paths keep their case
    assert key("UK  LONDON01") == key("uk london01") and key("EXU-01") != key("EXU-02")


@pytest.mark.parametrize(("value", "scheme"), [
    ("10007773", "UKPRN"), ("http://www.open.ac.uk/", "URL"), ("999876543", "PIC"), ("UK LONDON01", "Erasmus"),
    ("example.ac.uk", "SCHAC"), ("EXU-01", "internal"),
])
def test_a_bare_identifier_gets_the_scheme_it_most_likely_belongs_to(value, scheme):
    assert organisations.guess_scheme(value) == scheme


def test_an_organisation_cannot_be_added_under_a_web_address(instance):
    with pytest.raises(Invalid, match="stable id such as its UKPRN"), instance.sessions.begin() as session:
        organisations.add(session, OPERATOR, "http://www.example.ac.uk/", "Example University")
