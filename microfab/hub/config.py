"""The text of `jupyterhub_config.py` for one classroom server."""

from __future__ import annotations

import sys
from pathlib import Path

from microfab.hub.settings import AUTHENTICATORS, SPAWNERS, HubSettings

HEADER = '''"""JupyterHub configuration of the microfab classroom, by `microfab deploy hub`.

Start the hub as root, which starts each user's server as that user's Unix account:

    jupyterhub -f {config}

Rerun `microfab deploy hub` to change users or limits; edits here are overwritten.
"""

import os
import pwd

c = get_config()  # noqa: F821
'''

LIMITS_NOTE = {
    "local": "# LocalProcessSpawner does NOT enforce these: it only passes MEM_LIMIT and\n"
             "# CPU_LIMIT to the server. Enforce them with --spawner systemd (systemdspawner\n"
             "# puts each server in a cgroup with MemoryMax and CPUQuota) or on Kubernetes\n"
             "# (KubeSpawner sets the pod's resources.limits).",
    "systemd": "# systemdspawner enforces both in the server's cgroup (MemoryMax, CPUQuota).",
}

ROLE_HOOK = '''
# each role's Jupyter settings (extensions, nbgrader, JupyterLab plugins), by hub group
ROLE_CONFIG = {role_config!r}


def per_role(spawner):
    """Instructors' servers get the formgrader on the course; a unit's mentors get only the
    formgrader on that unit's review folder; everyone else gets the students' settings."""
    groups = {{group.name for group in spawner.user.groups}}
    mentor = sorted(g for g in groups if g.startswith("mentors-") and g in ROLE_CONFIG)
    role = "instructors" if "instructors" in groups else (mentor or ["students"])[0]
    spawner.environment["JUPYTER_CONFIG_PATH"] = ROLE_CONFIG[role]
    try:  # a home other users can enter would show them each other's notebooks
        account = pwd.getpwnam(spawner.user.name)
        if os.stat(account.pw_dir).st_uid == account.pw_uid:
            os.chmod(account.pw_dir, 0o700)
    except (KeyError, OSError):
        pass  # no Unix account here (e.g. a container spawner): nothing to protect


c.Spawner.pre_spawn_hook = per_role
'''


def _line(setting: str, value) -> str:
    return f"c.{setting} = {value!r}"


def render_config(settings: HubSettings, config_path: Path, state: Path,
                  role_config: dict[str, str], jupyter_path: Path,
                  password_file: Path | None) -> str:
    """jupyterhub_config.py for `settings`; `state` is the hub's private folder."""
    mentors = {review.hub_group: list(review.mentors) for review in settings.reviews}
    users = sorted({*settings.instructors, *settings.students,
                    *(m for names in mentors.values() for m in names)})
    out = [HEADER.format(config=config_path), "# where people connect; the hub's own API and "
           "the proxy's API stay on loopback",
           _line("JupyterHub.bind_url", settings.bind_url),
           _line("JupyterHub.hub_bind_url", f"http://127.0.0.1:{settings.hub_port}/"),
           _line("ConfigurableHTTPProxy.api_url", f"http://127.0.0.1:{settings.proxy_api_port}")]
    if settings.public_url:
        out.append(_line("JupyterHub.public_url", settings.url))
    if settings.proxy_command:
        out.append(_line("ConfigurableHTTPProxy.command", [settings.proxy_command]))
    out += ["", "# the hub's database, cookie secret and proxy pid stay in a folder only root "
            "reads",
            _line("JupyterHub.db_url", f"sqlite:///{state / 'jupyterhub.sqlite'}"),
            _line("JupyterHub.cookie_secret_file", str(state / "jupyterhub_cookie_secret")),
            _line("ConfigurableHTTPProxy.pid_file", str(state / "jupyterhub-proxy.pid")),
            "", "# who may log in", _line("JupyterHub.authenticator_class",
                                           AUTHENTICATORS[settings.authenticator])]
    if password_file is not None:
        out += ["# INSECURE: one shared password for every user; for a loopback test only",
                f"c.DummyAuthenticator.password = open({str(password_file)!r}).read().strip()"]
    out += [_line("Authenticator.allowed_users", users),
            "", "# instructors, students and each reviewed unit's mentors; groups decide each "
            "server's settings below",
            _line("JupyterHub.load_groups", {
                "instructors": {"users": list(settings.instructors)},
                "students": {"users": list(settings.students)},
                **{group: {"users": names} for group, names in mentors.items()}}),
            "# instructors see who the students are; students and mentors keep JupyterHub's",
            "# default role, which reaches only their own server ('self')",
            _line("JupyterHub.load_roles", [{
                "name": "instructor", "description": "list the students and their servers",
                "groups": ["instructors"],
                "scopes": ["self", "list:users!group=students", "read:users!group=students",
                           "read:servers!group=students", "read:groups!group=students"]}]),
            "", "# each user's server",
            _line("JupyterHub.spawner_class", SPAWNERS[settings.spawner]),
            _line("Spawner.cmd", [str(Path(sys.prefix) / "bin" / "jupyterhub-singleuser")]),
            _line("Spawner.ip", "127.0.0.1"),
            _line("Spawner.default_url", "/lab"),
            "# only the role's settings count, not a user's own ~/.jupyter",
            _line("Spawner.disable_user_config", True),
            "# the lab kernels (microfab-<profile>) for every user",
            _line("Spawner.environment", {"JUPYTER_PATH": str(jupyter_path)}),
            "", "# resources per user", LIMITS_NOTE[settings.spawner],
            _line("Spawner.mem_limit", settings.mem_limit),
            _line("Spawner.cpu_limit", float(settings.cpu_limit)),
            ROLE_HOOK.format(role_config=role_config)]
    return "\n".join(out).rstrip("\n") + "\n"
