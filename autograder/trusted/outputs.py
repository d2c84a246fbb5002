"""Test-cell outputs as the notebook keeps them: nbformat nodes, capped, hidden tests reduced.

A hidden test shows its verdict, the points it earned (partial credit) and its own message,
never its source nor anything printed while it ran: an error keeps its type and message, a
number (nbgrader's partial credit) and an explicit message (`autograder.checks.show_message`)
stay, everything else goes.
"""

from __future__ import annotations

import base64
import json

from nbformat import NotebookNode

from autograder.checks.credit import MESSAGE_KEY

HIDDEN_MARK = "BEGIN HIDDEN TESTS"
MAX_MESSAGE = 500


def is_hidden(source: str) -> bool:
    return HIDDEN_MARK in source


def _clean_data(data: dict) -> dict:
    clean = {}
    for mime, value in (data or {}).items():
        if isinstance(value, bytes):
            value = base64.b64encode(value).decode() if mime.startswith("image/") else \
                value.decode("utf-8", "replace")
        clean[str(mime)] = value
    return clean


def to_node(output: dict) -> NotebookNode:
    kind = output.get("output_type")
    if kind == "stream":
        return NotebookNode(output_type="stream", name=output.get("name", "stdout"),
                            text=str(output.get("text", "")))
    if kind == "error":
        return NotebookNode(output_type="error", ename=str(output.get("ename", "Error")),
                            evalue=str(output.get("evalue", "")),
                            traceback=[str(line) for line in output.get("traceback", [])])
    node = NotebookNode(output_type=kind, data=_clean_data(output.get("data")),
                        metadata=json.loads(json.dumps(output.get("metadata") or {},
                                                       default=str)))
    if kind == "execute_result":
        node.execution_count = output.get("execution_count")
    return node


def capped(outputs: list[dict], max_bytes: int) -> list[NotebookNode]:
    """Outputs in order until `max_bytes` of them; then one note saying the rest was cut."""
    kept, size = [], 0
    for output in outputs:
        node = to_node(output)
        size += len(json.dumps(node))
        if size > max_bytes and node.output_type != "error":
            kept.append(NotebookNode(output_type="stream", name="stderr",
                                     text="[microfab grader: the rest of this test's output "
                                          "was cut]\n"))
            kept += [to_node(o) for o in outputs if o.get("output_type") == "error"][-1:]
            break
        kept.append(node)
    return kept


def _short(text: str) -> str:
    text = str(text)
    return text if len(text) <= MAX_MESSAGE else text[:MAX_MESSAGE] + " …"


def hidden_outputs(outputs: list[dict]) -> list[NotebookNode]:
    """What a hidden test keeps: its error (type and message), messages, a partial score."""
    kept = []
    for output in outputs:
        kind = output.get("output_type")
        if kind == "error":
            ename, evalue = str(output.get("ename", "Error"))[:100], _short(output.get("evalue"))
            kept.append(NotebookNode(output_type="error", ename=ename, evalue=evalue,
                                     traceback=[f"{ename}: {evalue}"]))
        elif kind == "display_data" and (output.get("metadata") or {}).get(MESSAGE_KEY):
            text = _short((output.get("data") or {}).get("text/plain", ""))
            kept.append(NotebookNode(output_type="display_data", data={"text/plain": text},
                                     metadata={MESSAGE_KEY: "message"}))
        elif kind == "execute_result":
            text = str((output.get("data") or {}).get("text/plain", ""))
            try:
                float(text)
            except ValueError:
                continue
            kept.append(NotebookNode(output_type="execute_result", data={"text/plain": text},
                                     metadata={}, execution_count=output.get("execution_count")))
    return kept
