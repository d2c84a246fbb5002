"""Competency attainment and certificate readiness on the hand-made gradebook (conftest)."""

import pytest

from autograder.reports import certificate_readiness, competency_attainment, load_course


def table(rows):
    return {(r.student, r.competency): (r.attainment, r.attained) for r in rows}


def test_attainment_is_the_mean_score_fraction_over_the_units_teaching_it(db_url, catalogue):
    rows = competency_attainment(load_course(db_url), catalogue)
    got = table(rows)
    # ACQ: 01-acquire and 02-threshold; a missing submission counts 0.
    assert got[("ada", "ACQ")] == (pytest.approx(1.0), True)
    assert got[("alan", "ACQ")] == (pytest.approx((3 / 5 + 4 / 10) / 2), False)  # 0.5
    assert got[("grace", "ACQ")] == (pytest.approx((3 / 5 + 7 / 10) / 2), True)  # 0.65
    assert got[("x042", "ACQ")] == (pytest.approx((2 / 5 + 0) / 2), False)  # 0.2
    # IMG: 02-threshold only; the late penalty does not lower attainment.
    assert got[("alan", "IMG")] == (pytest.approx(0.4), False)
    assert got[("grace", "IMG")] == (pytest.approx(0.7), True)
    # EDGE: its unit has no assignment in the gradebook yet: no evidence, not attained.
    assert got[("ada", "EDGE")] == (None, False)
    assert {r.assignments for r in rows if r.competency == "ACQ"} == {
        ("01-acquire", "02-threshold")}


def test_readiness_needs_every_competency_mapped_to_the_certification(db_url, catalogue):
    rows = certificate_readiness(competency_attainment(load_course(db_url), catalogue),
                                 catalogue)
    ready = {(r.student, r.certification): r.ready for r in rows}
    assert [s for s in ("ada", "alan", "grace", "x042") if ready[(s, "CERT-A")]] == [
        "ada", "grace"]
    assert not any(ready[(s, "CERT-B")] for s in ("ada", "alan", "grace", "x042"))  # no EDGE
    assert not any(ready[(s, "CERT-C")] for s in ("ada", "alan", "grace", "x042"))  # nothing
    ada_b = next(r for r in rows if (r.student, r.certification) == ("ada", "CERT-B"))
    assert (ada_b.attained, ada_b.required, ada_b.missing) == (1, 2, ("EDGE",))


def test_the_pass_level_is_configurable(db_url, catalogue):
    course = load_course(db_url)
    strict = certificate_readiness(competency_attainment(course, catalogue), catalogue)
    lenient = certificate_readiness(competency_attainment(course, catalogue, pass_level=0.4),
                                    catalogue)
    alan = [r.ready for r in strict + lenient if (r.student, r.certification) ==
            ("alan", "CERT-A")]
    assert alan == [False, True]  # ACQ 0.5 and IMG 0.4 both reach 0.4


def test_a_pass_level_outside_zero_to_one_is_refused(db_url, catalogue):
    with pytest.raises(ValueError, match="pass_level must be a fraction"):
        competency_attainment(load_course(db_url), catalogue, pass_level=60)
