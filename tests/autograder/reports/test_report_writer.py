"""write_reports: exact CSV rows, a self-contained HTML page, a read-only gradebook."""

import base64
import csv
import re

import pytest

from autograder.reports import GradebookError, write_reports


def rows(path):
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


@pytest.fixture
def written(db_url, catalogue, tmp_path):
    return write_reports(db_url, catalogue, tmp_path / "reports")


def test_one_csv_per_table_and_one_html_page(written, tmp_path):
    assert sorted(written) == ["assignment_scores", "cell_marks", "certificate_readiness",
                               "competency_attainment", "html", "item_analysis",
                               "marks_by_source", "score_distribution"]
    assert all(p.parent == tmp_path / "reports" and p.is_file() for p in written.values())


def test_readiness_csv_rows(written):
    got = rows(written["certificate_readiness"])
    assert got[0] == ["student_id", "last_name", "first_name", "certification", "ready",
                      "competencies_attained", "competencies_required", "missing"]
    assert got[1:4] == [  # students by last name: the nameless x042 first
        ["x042", "", "", "CERT-A", "false", "0", "2", "ACQ;IMG"],
        ["x042", "", "", "CERT-B", "false", "0", "2", "IMG;EDGE"],
        ["x042", "", "", "CERT-C", "false", "0", "0", ""],
    ]
    assert ["grace", "Hopper", "Grace", "CERT-A", "true", "2", "2", ""] in got
    assert ["grace", "Hopper", "Grace", "CERT-B", "false", "1", "2", "EDGE"] in got
    assert ["alan", "Turing", "Alan", "CERT-A", "false", "0", "2", "ACQ;IMG"] in got
    assert len(got) == 1 + 4 * 3


def test_attainment_csv_rows(written):
    got = rows(written["competency_attainment"])
    assert got[0] == ["student_id", "last_name", "first_name", "competency", "attainment",
                      "attained", "evidence"]
    assert ["grace", "Hopper", "Grace", "ACQ", "0.65", "true", "01-acquire;02-threshold"] in got
    assert ["alan", "Turing", "Alan", "IMG", "0.4", "false", "02-threshold"] in got
    assert ["ada", "Lovelace", "Ada", "EDGE", "", "false", ""] in got


def test_item_and_distribution_csv_rows(written):
    assert rows(written["item_analysis"])[1:] == [
        ["01-acquire", "01-acquire", "test_a", "2", "4", "1.5", "0.75", "0", "0.1325"],
        ["01-acquire", "01-acquire", "test_b", "3", "4", "1.75", "0.5", "1", "0.6882"],
        ["02-threshold", "02-threshold", "t1", "4", "3", "4", "1", "0", ""],
        ["02-threshold", "02-threshold", "t2", "6", "3", "3", "0.3333", "1", "0.866"],
    ]
    assert rows(written["score_distribution"])[1:] == [
        ["01-acquire", "5", "4", "3.25", "1.0897", "2", "3", "5"],
        ["02-threshold", "10", "3", "7", "2.4495", "4", "7", "10"],
    ]
    assert ["alan", "02-threshold", "4", "10", "0.4", "1"] in rows(written["assignment_scores"])


def test_the_html_page_is_self_contained_with_three_embedded_plots(written):
    page = written["html"].read_text(encoding="utf-8")
    assert "http://" not in page and "https://" not in page
    assert "<script" not in page and "<link" not in page
    images = re.findall(r'<img alt="[^"]+" src="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)
    assert len(images) == 3
    for data in images:
        png = base64.b64decode(data)
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) > 2000
    assert "<td>CERT-A</td><td>Vision technician</td>\n<td>2 of 4</td>" in page


def test_reports_do_not_write_to_the_gradebook(db_url, catalogue, tmp_path):
    path = db_url.removeprefix("sqlite:///")
    before = open(path, "rb").read()
    write_reports(db_url, catalogue, tmp_path / "again")
    assert open(path, "rb").read() == before


def test_a_missing_gradebook_is_named(catalogue, tmp_path):
    with pytest.raises(GradebookError, match=r"no gradebook at .*nowhere.db .*db_url"):
        write_reports(f"sqlite:///{tmp_path / 'nowhere.db'}", catalogue, tmp_path / "out")
