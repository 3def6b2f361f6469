"""What the words a person searches with say about the form: "WMI" means the interface wmi (the preset
data sits in the flows' seen_in entries; Symptom.preset_for reads it, for the wizard and any front end)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.test_flows import broken  # noqa: F401  (the fixture)
from wizard.engine.loader import load_flows

FLOWS = load_flows()
RPC_1722 = FLOWS.symptoms["rpc-unavailable-1722"]
U1722 = "symptoms/rpc-unavailable-1722.yaml"


@pytest.mark.parametrize("typed, preset", [
    ("WMI", {"interface": "wmi"}),
    ("wbemtest", {"interface": "wmi"}),
    ("Get-WmiObject 1722", {"interface": "wmi"}),  # an error code beside the word changes nothing
    ("SQL", {"interface": "sql"}),
    ("SQL Server Configuration Manager", {"interface": "sql"}),
    ("Event Viewer", {"interface": "eventlog"}),
    ("event viewer 0x6ba", {"interface": "eventlog"}),
    ("event", {}),  # part of a phrase is not the phrase
    ("server", {}),  # a word of the place, not one that names it
    ("wmi sql", {}),  # two presets that disagree: none
    ("1722", {}),
    ("", {}),
])
def test_the_words_searched_preset_what_they_say(typed, preset):
    assert RPC_1722.preset_for(typed) == preset


def test_the_search_finds_the_symptom_each_preset_belongs_to():
    for typed, symptom in [("WMI", "rpc-unavailable-1722"), ("SQL", "rpc-unavailable-1722"),
                           ("Event Viewer", "rpc-unavailable-1722"), ("Outlook Anywhere", "exchange-rpc-http-1722")]:
        assert [s.id for s in FLOWS.search(typed)] == [symptom]


@given(st.text(max_size=60))
def test_a_preset_is_none_or_one_of_the_symptoms_own(text):
    found = RPC_1722.preset_for(text)
    assert found == {} or found in [a.preset.context for a in RPC_1722.seen_in if a.preset]


@pytest.mark.parametrize("preset, what", [
    ({"words": ["wmi"], "context": {"interface": "wmii"}}, "nor one of: drs"),
    ({"words": ["wmi"], "context": {"proxy": "cas1"}}, "'proxy' is not in the symptom's context"),
    ({"words": [], "context": {"interface": "wmi"}}, "words must list at least one word"),
    ({"words": ["wmi"], "context": {}}, "context must fill at least one field"),
    ({"words": ["wmi"], "contxt": {"interface": "wmi"}}, "unknown field(s) contxt"),
])
def test_a_broken_preset_names_its_symptom_and_place(broken, preset, what):  # noqa: F811
    broken.edit(U1722, lambda d: d["symptom"]["seen_in"][0].update(preset=preset))
    message = broken.load()
    assert f"flows/{U1722}: symptom 'rpc-unavailable-1722': seen_in 'WMI (wbemtest" in message
    assert what in message
