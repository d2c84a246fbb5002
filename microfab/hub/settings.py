"""What a classroom hub is made of, checked before anything is written: every mistake names the
option or file it came from."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

DEFAULT_EXCHANGE = Path("/srv/nbgrader/exchange")  # nbgrader's own default
DEFAULT_REVIEW_ROOT = Path("/srv/nbgrader/review")
# Unix user names as useradd accepts them by default; JupyterHub lower-cases names at login
USER_NAME = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")
MEMORY = re.compile(r"^\d+(\.\d+)?[KMGT]?$")
AUTHENTICATORS = {
    "pam": "jupyterhub.auth.PAMAuthenticator",  # the server's Unix accounts
    "ldap": "ldapauthenticator.LDAPAuthenticator",  # pip install jupyterhub-ldapauthenticator
    "oauth": "oauthenticator.generic.GenericOAuthenticator",  # pip install oauthenticator
    "dummy": "jupyterhub.auth.DummyAuthenticator",  # one shared password: tests only
}
SPAWNERS = {
    "local": "jupyterhub.spawner.LocalProcessSpawner",  # limits are advisory only
    "systemd": "systemdspawner.SystemdSpawner",  # pip install jupyterhub-systemdspawner
}


class HubConfigError(ValueError):
    """Bad input for `microfab deploy hub`; the message names the option or the file."""


@dataclass(frozen=True)
class Review:
    """A unit whose manually graded cells these mentors mark (`--review UNIT:M1,M2`)."""

    unit: str
    mentors: tuple[str, ...]

    @property
    def hub_group(self) -> str:
        return f"mentors-{self.unit}"

    @property
    def unix_group(self) -> str:
        return f"review-{self.unit}"[:32]  # groupadd's longest name

    def folder(self, root: Path, course_id: str) -> Path:
        return root / f"{course_id}-{self.unit}"


@dataclass(frozen=True)
class HubSettings:
    course: Path
    course_id: str
    out: Path
    instructors: tuple[str, ...]
    students: tuple[str, ...]
    ip: str = "127.0.0.1"
    port: int = 8000
    hub_port: int = 8081
    proxy_api_port: int = 8001
    public_url: str = ""
    exchange: Path = DEFAULT_EXCHANGE
    mem_limit: str = "2G"
    cpu_limit: float = 1.0
    authenticator: str = "pam"
    spawner: str = "local"
    proxy_command: str | None = None
    book_repo: str = ""
    book_branch: str = "main"
    reviews: tuple[Review, ...] = ()
    review_root: Path = DEFAULT_REVIEW_ROOT

    @property
    def bind_url(self) -> str:
        return f"http://{self.ip}:{self.port}/"

    @property
    def url(self) -> str:
        """The address students type: --hub-url, else where the hub binds."""
        return (self.public_url or self.bind_url).rstrip("/") + "/"


def course_id_of(course: Path) -> str:
    """The course id of a built course folder (its nbgrader_config.py)."""
    from autograder.course import load_config

    if not course.is_dir():
        raise HubConfigError(f"--course {course}: no such folder; build the course first with "
                             "`microfab course build --course DIR`")
    if not (course / "nbgrader_config.py").is_file():
        raise HubConfigError(f"--course {course}: no nbgrader_config.py in it; build the course "
                             "first with `microfab course build --course DIR`")
    try:
        course_id = load_config(course).CourseDirectory.get("course_id", "")
    except Exception as exc:  # traitlets raises whatever the file's Python raises
        raise HubConfigError(f"{course / 'nbgrader_config.py'}: cannot be read ({exc})") from None
    if not course_id:
        raise HubConfigError(f"{course / 'nbgrader_config.py'}: sets no "
                             "c.CourseDirectory.course_id")
    return str(course_id)


def check_names(names: list[str], where: str) -> tuple[str, ...]:
    for name in names:
        if not USER_NAME.match(name):
            raise HubConfigError(f"{where}: {name!r} is not a Unix user name (lower-case "
                                 "letters, digits, '_' and '-', starting with a letter or '_')")
    return tuple(dict.fromkeys(names))


def read_students(path: Path) -> tuple[str, ...]:
    """One user name a line; blank lines and `#` comments are skipped."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise HubConfigError(f"--students-file {path}: cannot be read ({exc})") from None
    names = []
    for number, line in enumerate(lines, 1):
        name = line.split("#", 1)[0].strip()
        if name:
            check_names([name], f"{path} line {number}")
            names.append(name)
    return tuple(dict.fromkeys(names))


def check_settings(settings: HubSettings, insecure_test_auth: bool = False) -> HubSettings:
    """Raise HubConfigError naming the first bad option; return the settings unchanged."""
    if settings.authenticator not in AUTHENTICATORS:
        raise HubConfigError(f"--authenticator {settings.authenticator!r}: choose one of "
                             f"{', '.join(AUTHENTICATORS)}")
    if settings.authenticator == "dummy" and not insecure_test_auth:
        raise HubConfigError("--authenticator dummy lets anyone who knows one shared password "
                             "log in as any user: pass --insecure-test-auth too, and only for "
                             "a test hub bound to 127.0.0.1")
    if settings.spawner not in SPAWNERS:
        raise HubConfigError(f"--spawner {settings.spawner!r}: choose one of "
                             f"{', '.join(SPAWNERS)}")
    for option, port in [("--port", settings.port), ("--hub-port", settings.hub_port),
                         ("--proxy-api-port", settings.proxy_api_port)]:
        if not 0 < port < 65536:
            raise HubConfigError(f"{option} {port}: a TCP port is 1 to 65535")
    if len({settings.port, settings.hub_port, settings.proxy_api_port}) < 3:
        raise HubConfigError("--port, --hub-port and --proxy-api-port must differ")
    if not MEMORY.match(settings.mem_limit):
        raise HubConfigError(f"--mem-limit {settings.mem_limit!r}: give bytes with an optional "
                             "K, M, G or T suffix, e.g. 2G")
    if not settings.cpu_limit > 0:
        raise HubConfigError(f"--cpu-limit {settings.cpu_limit}: give a positive number of "
                             "CPUs, e.g. 1 or 0.5")
    if not settings.exchange.is_absolute():
        raise HubConfigError(f"--exchange {settings.exchange}: give an absolute path, the same "
                             "for every user's server")
    both = sorted(set(settings.instructors) & set(settings.students))
    if both:
        raise HubConfigError(f"--instructors and --students-file both name {', '.join(both)}: "
                             "a user is an instructor or a student, not both")
    if not settings.instructors:
        raise HubConfigError("--instructors: name at least one instructor (a,b,...)")
    if settings.reviews and not settings.review_root.is_absolute():
        raise HubConfigError(f"--review-root {settings.review_root}: give an absolute path")
    return settings
