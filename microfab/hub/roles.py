"""What each role's Jupyter server runs: one config folder per role, put on the server's
JUPYTER_CONFIG_PATH by the hub. Students get the assignment list and nbgitpuller; instructors
also get nbgrader's formgrader and course list, pointed at the course folder."""

from __future__ import annotations

import json
from pathlib import Path

from microfab.hub.settings import HubSettings

ROLES = ("students", "instructors")
INSTRUCTOR_ONLY = ("nbgrader.server_extensions.formgrader",
                   "nbgrader.server_extensions.course_list")
EVERYONE = ("nbgrader.server_extensions.assignment_list",
            "nbgrader.server_extensions.validate_assignment", "nbgitpuller")
# JupyterLab's plugins of the same tools, by their ids in nbgrader's lab extension
INSTRUCTOR_ONLY_LAB = ("@jupyter/nbgrader:formgrader", "@jupyter/nbgrader:course-list",
                       "@jupyter/nbgrader:create-assignment")


def server_extensions(role: str) -> dict[str, bool]:
    instructor = role == "instructors"
    return {**{name: True for name in EVERYONE},
            **{name: instructor for name in INSTRUCTOR_ONLY}}


def nbgrader_config(settings: HubSettings, role: str) -> str:
    """nbgrader's settings for every server of `role`: one exchange and course id for all;
    the instructors' formgrader works on the course folder."""
    lines = [f"# nbgrader settings of every {role[:-1]}'s server, written by `microfab deploy "
             "hub`", "c = get_config()  # noqa: F821",
             f"c.CourseDirectory.course_id = {settings.course_id!r}",
             f"c.Exchange.root = {str(settings.exchange)!r}"]
    if role == "instructors":
        lines.append(f"c.CourseDirectory.root = {str(settings.course)!r}")
    return "\n".join(lines) + "\n"


def write_role_config(settings: HubSettings, role: str, folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    server = folder / "jupyter_server_config.json"
    server.write_text(json.dumps({"ServerApp": {"jpserver_extensions":
                                                server_extensions(role)}}, indent=1) + "\n")
    nbgrader = folder / "nbgrader_config.py"
    nbgrader.write_text(nbgrader_config(settings, role))
    page = folder / "labconfig" / "page_config.json"
    page.parent.mkdir(exist_ok=True)
    disabled = {} if role == "instructors" else {name: True for name in INSTRUCTOR_ONLY_LAB}
    page.write_text(json.dumps({"disabledExtensions": disabled}, indent=1) + "\n")
    for path in (folder, page.parent):  # every user's server reads them, nobody writes them
        path.chmod(0o755)
    for path in (server, nbgrader, page):
        path.chmod(0o644)
    return [server, nbgrader, page]
