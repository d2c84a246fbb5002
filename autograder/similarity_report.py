"""The similarity report: one self-contained HTML page (inline CSS, no scripts, nothing remote)
ranking the pairs, with the shared fragments of each flagged pair side by side."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jinja2
from markupsafe import Markup

from autograder.similarity import Comparison, Pair

# pairs listed below the flagged ones, for context
MORE_PAIRS = 30

TEMPLATE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Similarity: {{ c.assignment }}</title>
<style>
body { font-family: sans-serif; margin: 2em auto; max-width: 90em; color: #222; }
h1 { font-size: 1.5em; } h2 { font-size: 1.2em; margin-top: 2em; }
table { border-collapse: collapse; font-size: 0.85em; margin: 0.5em 0 1em; }
th, td { border: 1px solid #ccc; padding: 2px 6px; text-align: left; }
th { background: #eee; } tr.flagged td { background: #f8d7da; }
p.note { color: #555; font-size: 0.9em; max-width: 60em; }
.sides { display: flex; gap: 1em; }
.sides > div { flex: 1; min-width: 0; }
pre { background: #f6f6f6; border: 1px solid #ddd; padding: 0.5em; font-size: 0.8em;
      overflow-x: auto; white-space: pre; }
mark { background: #ffe08a; }
</style>
</head>
<body>
<h1>Similarity between submissions: {{ c.assignment }}</h1>
<p class="note">{{ c.students | length }} submissions, {{ c.pairs | length }} pairs, compared
{{ generated }}. Only the answer cells count, without the lines of the released starter code.
Each pair shows, for each student, the share of their fingerprinted code (copydetect: names
normalised, comments and spacing ignored) that also stands in the other's; the score is the
larger share. Pairs at or over {{ c.threshold }} are flagged. A high score is a reason to talk
with both students, not proof of copying: short correct answers converge, and students may
have worked together as allowed.</p>
{% if c.warnings %}<h2>Left out</h2>
<ul>{% for w in c.warnings %}<li>{{ w }}</li>{% endfor %}</ul>{% endif %}

<h2>Most similar pairs</h2>
<table>
<tr><th>rank</th><th>student</th><th>student</th><th>score</th><th>shares</th>
<th>verdict</th></tr>
{% for p in listed %}<tr{% if p.score >= c.threshold %} class="flagged"{% endif %}>
<td>{{ loop.index }}</td><td>{{ p.first.student }}</td><td>{{ p.second.student }}</td>
<td>{{ "%.2f" | format(p.score) }}</td>
<td>{{ "%.2f" | format(p.shares[0]) }} / {{ "%.2f" | format(p.shares[1]) }}</td>
<td>{% if p.score >= c.threshold %}flagged{% else %}-{% endif %}</td></tr>
{% endfor %}</table>

{% for p, left, right in fragments %}
<h2 id="pair-{{ loop.index }}">{{ loop.index }}. {{ p.first.student }} and
{{ p.second.student }}: {{ "%.2f" | format(p.score) }}</h2>
<div class="sides">
<div><h3>{{ p.first.student }}</h3><pre>{{ left }}</pre></div>
<div><h3>{{ p.second.student }}</h3><pre>{{ right }}</pre></div>
</div>
{% else %}<p>No pair is at or over the threshold.</p>
{% endfor %}
</body>
</html>
"""


def highlighted(text: str, slices) -> Markup:
    """`text`, HTML-escaped, with copydetect's shared slices marked."""
    from copydetect.utils import highlight_overlap

    if len(slices) == 0 or len(slices[0]) == 0:
        return Markup.escape(text)
    marked, _ = highlight_overlap(text, slices, "<mark>", "</mark>", escape_html=True)
    return Markup(marked)


def fragments(pair: Pair) -> tuple[Pair, Markup, Markup]:
    return (pair, highlighted(pair.first.text, pair.slices[0]),
            highlighted(pair.second.text, pair.slices[1]))


def render(comparison: Comparison) -> str:
    flagged = comparison.flagged
    environment = jinja2.Environment(autoescape=True)
    return environment.from_string(TEMPLATE).render(
        c=comparison, listed=comparison.pairs[:len(flagged) + MORE_PAIRS],
        fragments=[fragments(pair) for pair in flagged],
        generated=dt.datetime.now().strftime("%Y-%m-%d %H:%M"))


def write_report(comparison: Comparison, path: Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(comparison), encoding="utf-8")
    return path
