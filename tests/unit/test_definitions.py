"""Defining sentences: which sentences say what a named term is."""

import pytest

from index.definitions import defines, points_elsewhere

NAMES = ("Neuromuscular massage", "NMT")


@pytest.mark.parametrize("sentence, expected", [
    ("Neuromuscular massage is a form of soft tissue therapy aimed at trigger points.", True),
    ("Neuromuscular massage (also called NMT) is a focused form of massage.", True),
    ("This type of massage uses firm, static pressure.", True),
    ("Neuromuscular massage aims to release trigger points.", True),
    ("For more information about neuromuscular massage, visit our office.", False),
    ("Many people ask whether neuromuscular massage is a good choice.", False),
])
def test_defining_sentences(sentence, expected):
    assert defines(sentence, NAMES) is expected


def test_a_pointer_to_a_clinic_points_elsewhere():
    assert points_elsewhere("For more information about NMT, visit our office on Main Street.")
    assert not points_elsewhere("NMT is a focused form of massage.")
