"""What each role's Jupyter server runs: one config folder per role, put on the server's
JUPYTER_CONFIG_PATH by the hub. Students get the assignment list and nbgitpuller; instructors
also get nbgrader's formgrader and course list, pointed at the course folder; a unit's mentors
get only the formgrader, on that unit's review folder, which is also all their server shows."""

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


MENTOR_HIDDEN_LAB = (*INSTRUCTOR_ONLY_LAB, "@jupyter/nbgrader:assignment-list",
                     "@jupyter/nbgrader:validate-assignment")


def server_extensions(role: str) -> dict[str, bool]:
    if role.startswith("mentors-"):
        return {**{name: False for name in (*EVERYONE, *INSTRUCTOR_ONLY)},
                "nbgrader.server_extensions.formgrader": True}
    instructor = role == "instructors"
    return {**{name: True for name in EVERYONE},
            **{name: instructor for name in INSTRUCTOR_ONLY}}


def nbgrader_config(settings: HubSettings, role: str, review_folder: Path | None = None) -> str:
    """nbgrader's settings for every server of `role`: one exchange and course id for all;
    the instructors' formgrader works on the course folder, a mentor's on the review folder
    (with an exchange of its own there, so nothing a mentor does reaches the students)."""
    lines = [f"# nbgrader settings of every {role.rstrip('s')}'s server, written by "
             "`microfab deploy hub`", "c = get_config()  # noqa: F821",
             f"c.CourseDirectory.course_id = {settings.course_id!r}"]
    if review_folder is not None:
        lines += [f"c.CourseDirectory.root = {str(review_folder)!r}",
                  f"c.Exchange.root = {str(review_folder / '.exchange')!r}"]
        return "\n".join(lines) + "\n"
    lines.append(f"c.Exchange.root = {str(settings.exchange)!r}")
    if role == "instructors":
        lines.append(f"c.CourseDirectory.root = {str(settings.course)!r}")
    return "\n".join(lines) + "\n"


def write_role_config(settings: HubSettings, role: str, folder: Path,
                      review_folder: Path | None = None) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    server = folder / "jupyter_server_config.json"
    server_app = {"jpserver_extensions": server_extensions(role)}
    if review_folder is not None:  # the formgrader needs the course under the server's root
        server_app["root_dir"] = str(review_folder)
    server.write_text(json.dumps({"ServerApp": server_app}, indent=1) + "\n")
    nbgrader = folder / "nbgrader_config.py"
    nbgrader.write_text(nbgrader_config(settings, role, review_folder))
    page = folder / "labconfig" / "page_config.json"
    page.parent.mkdir(exist_ok=True)
    hidden = (MENTOR_HIDDEN_LAB if review_folder is not None
              else () if role == "instructors" else INSTRUCTOR_ONLY_LAB)
    disabled = {name: True for name in hidden}
    page.write_text(json.dumps({"disabledExtensions": disabled}, indent=1) + "\n")
    for path in (folder, page.parent):  # every user's server reads them, nobody writes them
        path.chmod(0o755)
    for path in (server, nbgrader, page):
        path.chmod(0o644)
    return [server, nbgrader, page]
