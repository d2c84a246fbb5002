"""One self-contained HTML page: inline CSS, figures as data URIs, no scripts or links out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import jinja2

from .competencies import Readiness
from .tables import Table

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>{{ title }}</title>
<style>
body { font-family: sans-serif; margin: 2em auto; max-width: 72em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0 1em; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: left; }
th { background: #eee; }
td.true { background: #d1e7dd; } td.false { background: #f8d7da; }
img { max-width: 100%; }
p.note { color: #555; font-size: 0.9em; }
</style>
</head>
<body>
<h1>{{ title }}</h1>
<p class="note">From {{ source }}, {{ generated }}. Competencies are attained at a mean score
fraction of {{ pass_level }} over the units that teach them; a student is ready for a
certification when every competency mapped to it is attained.</p>

<h2>Certificate readiness</h2>
<table>
<tr><th>certification</th><th>title</th><th>students ready</th></tr>
{% for cert in summary %}<tr><td>{{ cert.id }}</td><td>{{ cert.title }}</td>
<td>{{ cert.ready }} of {{ cert.students }}</td></tr>
{% endfor %}</table>

<h2>Competency attainment</h2>
<img alt="heat-map of competency attainment per student" src="{{ figures.attainment }}">

<h2>Score distribution</h2>
<img alt="histograms of scores per assignment" src="{{ figures.scores }}">

<h2>Item analysis</h2>
<p class="note">Pass rate: share of students with full points on a graded cell.
Discrimination: pass rate of the top 27 % of students (by assignment total) minus that of the
bottom 27 %. Cells under the dashed line (D &lt; 0.2) separate strong and weak students
poorly: review their tests.</p>
<img alt="pass rate against discrimination per graded cell" src="{{ figures.item_scatter }}">

{% for table in tables if table.on_page %}
<h2>{{ table.title }}</h2>
<table>
<tr>{% for column in table.columns %}<th>{{ column }}</th>{% endfor %}</tr>
{% for row in table.rows %}<tr>{% for value in row %}<td{% if value in ('true', 'false')
 %} class="{{ value }}"{% endif %}>{{ value }}</td>{% endfor %}</tr>
{% endfor %}</table>
{% endfor %}
</body>
</html>
"""


def readiness_summary(rows: Sequence[Readiness], certifications: dict[str, dict]) -> list[dict]:
    summary = []
    for cert, spec in certifications.items():
        mine = [r for r in rows if r.certification == cert]
        summary.append({"id": cert, "title": spec.get("title", ""), "students": len(mine),
                        "ready": sum(1 for r in mine if r.ready)})
    return summary


def render_page(title: str, source: str, pass_level: float, summary: list[dict],
                figures: dict[str, str], tables: Sequence[Table]) -> str:
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)
    return environment.from_string(TEMPLATE).render(
        title=title, source=source, pass_level=f"{pass_level:g}", summary=summary,
        figures=figures, tables=tables,
        generated=dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
