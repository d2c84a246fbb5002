"""One limits object: defaults, bounds, the unit schema and --help all come from it."""

import pytest

from lab_kernels.limits import FIELDS, GradingLimits, describe, schema


def test_every_limit_is_in_the_schema_and_the_help():
    assert set(schema()["properties"]) == {f.name for f in FIELDS}
    assert all(f.name in describe() for f in FIELDS)


@pytest.mark.parametrize("values, words", [({"memory_mb": 1}, "memory_mb"),
                                           ({"cell_timeout": 5}, "unknown grading limit")])
def test_bad_limits_are_named(values, words):
    with pytest.raises(ValueError, match=words):
        GradingLimits.from_dict(values)
