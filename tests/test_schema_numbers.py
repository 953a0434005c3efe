"""YAML 1.1 numbers as the validator reads them (``schema_types.parse_int``/``parse_float``) are the
numbers PyYAML's own constructors make of the same plain scalars (``construct_yaml_int``/``_float``)."""

from __future__ import annotations

import math

import pytest
import yaml

from tutor.lesson.schema_types import parse_float, parse_int

INTS = ["0", "7", "-7", "+7", "12_345", "0b101", "-0b101", "0x1F", "+0xff", "017", "-017"]
INTS += ["1:30", "-1:30", "+1:30:00", "190:20:30", "1_0:05"]
FLOATS = ["1.5", "-1_000.25", ".5", "1.0e+3", "-6.8523015e+5", "685.230_15e+03", "3."]
FLOATS += [".inf", "-.Inf", "+.INF", ".nan", ".NaN", "190:20:30.15", "-1:30.5", "0.0", "-0.0"]


@pytest.mark.parametrize("text", INTS)
def test_an_int_is_the_int_pyyaml_makes(text: str) -> None:
    expected = yaml.safe_load(text)
    assert type(expected) is int  # the literal is one the int resolver matches
    assert parse_int(text) == expected


@pytest.mark.parametrize("text", FLOATS)
def test_a_float_is_the_float_pyyaml_makes(text: str) -> None:
    expected = yaml.safe_load(text)
    assert type(expected) is float
    got = parse_float(text)
    assert type(got) is float
    if math.isnan(expected):
        assert math.isnan(got)
    else:
        assert got == expected and math.copysign(1, got) == math.copysign(1, expected)
