"""`microfab deploy hub`: a JupyterHub configuration for a classroom on one server."""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

from microfab.commands import FAILED, USAGE

HUB_DESCRIPTION = """\
Write a JupyterHub configuration for a class on one server (start it as root with
`jupyterhub -f OUT/jupyterhub_config.py`):

  OUT/jupyterhub_config.py        the hub: where it binds, who may log in, the groups
                                  `instructors` and `students`, a role that lets instructors
                                  list the students, per-user memory and CPU limits, and a
                                  hook giving each server its role's settings
  OUT/jupyter/students/           students' servers: nbgrader's assignment list (fetch,
                                  submit, fetch feedback) and nbgitpuller; no formgrader
  OUT/jupyter/instructors/        instructors' servers: also the formgrader and course list,
                                  on the course folder (--course)
  OUT/jupyter/mentors-UNIT/       with --review UNIT:MENTORS: the mentors' servers run only
                                  the formgrader, on UNIT's review folder, which is all they
                                  see (REVIEW_ROOT/COURSE_ID-UNIT, mode 2770, owned by the
                                  course's owner and the Unix group review-UNIT of the mentors)
  OUT/share/jupyter/kernels/      the lab kernels (microfab-<profile>) for every user
  OUT/state/                      the hub's database and cookie secret (root only)

It also creates nbgrader's exchange (--exchange, mode 1777) and makes the course folder
private to its owner (mode 700): students never read the source, the gradebook or another
student's submission. Release, collect and feedback then name the same exchange:
`microfab grade release UNIT --exchange EXCHANGE`.

Enterprise reviewers (--review): after autograding UNIT, the instructor copies its
submissions into the review folder with `microfab grade review open UNIT --folder FOLDER`;
the mentors mark the manually graded cells in their formgrader; `microfab grade review
collect UNIT --folder FOLDER` brings the marks into the course's gradebook, and `microfab
grade report` shows every mark by source (autograder, instructor, mentor).

The users are Unix accounts on the server (create them with `useradd -m NAME`); each
user's server runs as that account. The default authenticator is PAM (their Unix
passwords); ldap and oauth need their packages installed and settings added. `dummy` (one
shared password, in OUT/state/test-password) is refused unless --insecure-test-auth is
given: it is for a test hub on 127.0.0.1 only.

With the default local spawner, --mem-limit and --cpu-limit are advisory: JupyterHub's
LocalProcessSpawner does not enforce them. --spawner systemd (jupyterhub-systemdspawner)
enforces them with cgroups; on Kubernetes, Zero to JupyterHub does (see the instructor
guide, "Classroom on JupyterHub")."""


def _names(text: str | None) -> list[str]:
    return [name.strip() for name in (text or "").split(",") if name.strip()]


def run_hub(args) -> int:
    from microfab.hub import HubConfigError, HubSettings, write_deployment
    from microfab.hub.deployment import find_proxy
    from microfab.hub.exchange import ExchangeError
    from microfab.hub.links import pull_link
    from microfab.hub.review import parse_review
    from microfab.hub.settings import check_names, course_id_of, read_students

    try:
        course = Path(args.course).resolve()
        instructors = check_names(_names(args.instructors), "--instructors")
        students = (read_students(Path(args.students_file)) if args.students_file else ())
        students = (*students, *check_names(_names(args.students), "--students"))
        settings = HubSettings(
            course=course, course_id=course_id_of(course), out=Path(args.out).resolve(),
            instructors=instructors, students=tuple(dict.fromkeys(students)), ip=args.ip,
            port=args.port, hub_port=args.hub_port, proxy_api_port=args.proxy_api_port,
            public_url=args.hub_url or "", exchange=Path(args.exchange),
            mem_limit=args.mem_limit, cpu_limit=args.cpu_limit,
            authenticator=args.authenticator, spawner=args.spawner,
            proxy_command=args.proxy_command or find_proxy(), book_repo=args.book_repo,
            book_branch=args.book_branch,
            reviews=tuple(parse_review(text) for text in args.review or ()),
            review_root=Path(args.review_root))
        done = write_deployment(settings, insecure_test_auth=args.insecure_test_auth,
                                exchange=not args.no_exchange)
    except HubConfigError as exc:
        print(f"microfab deploy hub: {exc}", file=sys.stderr)
        return USAGE
    except (ExchangeError, OSError) as exc:  # the exchange or OUT cannot be written
        print(f"microfab deploy hub: {exc}", file=sys.stderr)
        return FAILED
    print(f"hub configuration: {done.config}")
    print(f"  groups: instructors {', '.join(settings.instructors)}; students "
          f"{len(settings.students)}; limits per user: {settings.mem_limit} memory, "
          f"{settings.cpu_limit:g} CPU" + (" (advisory with the local spawner)"
                                           if settings.spawner == "local" else ""))
    if done.exchange:
        print(f"exchange: {done.exchange} (mode 1777); release with `microfab grade release "
              f"UNIT --course {course} --exchange {done.exchange}`")
    for review in settings.reviews:
        folder = done.reviews[review.unit]
        print(f"review of {review.unit}: mentors {', '.join(review.mentors)} (hub group "
              f"{review.hub_group}, Unix group {review.unix_group}); after autograding, "
              f"`microfab grade review open {review.unit} --course {course} --folder {folder}`")
    if done.course_made_private:
        print(f"course folder made private to its owner (mode 700): {course}")
    if done.password_file:
        print(f"INSECURE test login: any allowed user, password in {done.password_file}")
    if settings.proxy_command is None:
        print("warning: configurable-http-proxy not found on PATH: install it (npm install "
              "configurable-http-proxy) before starting the hub", file=sys.stderr)
    print(f"start it as root: jupyterhub -f {done.config}   (students open {settings.url})")
    if settings.book_repo:
        link = pull_link(settings.url, settings.book_repo, settings.book_branch)
        print(f"launch link of the book (nbgitpuller): {link}")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("deploy", help="configure a classroom JupyterHub",
                            description="Deployment of the course for a class.")
    targets = parser.add_subparsers(dest="target", metavar="TARGET", required=True)
    hub = targets.add_parser(
        "hub", help="write a JupyterHub configuration for one server, with nbgrader's "
        "exchange", description=HUB_DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=textwrap.fill(
            "exit status: 0 written; 1 the exchange or OUT cannot be written; 2 bad usage or "
            "bad input (no built course, a bad user name or students file, a bad limit, Dummy "
            "authentication without --insecure-test-auth), and nothing was written."))
    hub.add_argument("--course", required=True,
                     help="the built nbgrader course folder (`microfab course build`); its "
                     "course id is the hub's, and instructors' formgrader works on it")
    hub.add_argument("--out", required=True, help="folder to write the configuration into")
    hub.add_argument("--instructors", required=True, metavar="A,B",
                     help="instructors' user names, comma-separated (group `instructors`)")
    hub.add_argument("--students-file", metavar="FILE",
                     help="students' user names, one a line (# comments allowed)")
    hub.add_argument("--students", metavar="A,B", help="more students, comma-separated")
    hub.add_argument("--ip", default="127.0.0.1",
                     help="address the hub listens on (default 127.0.0.1: put a TLS reverse "
                     "proxy in front, or give 0.0.0.0 on a trusted network)")
    hub.add_argument("--port", type=int, default=8000, help="port people connect to (8000)")
    hub.add_argument("--hub-url", metavar="URL",
                     help="the public address, e.g. https://hub.example.edu (default: "
                     "http://IP:PORT/); also the book's --jupyterhub-url")
    hub.add_argument("--hub-port", type=int, default=8081,
                     help="the hub's internal API port, on 127.0.0.1 (8081)")
    hub.add_argument("--proxy-api-port", type=int, default=8001,
                     help="configurable-http-proxy's API port, on 127.0.0.1 (8001)")
    hub.add_argument("--proxy-command", metavar="PATH",
                     help="configurable-http-proxy to run (default: on PATH, else this "
                     "checkout's node_modules/.bin)")
    hub.add_argument("--exchange", default="/srv/nbgrader/exchange",
                     help="nbgrader's exchange, created with mode 1777 "
                     "(default /srv/nbgrader/exchange)")
    hub.add_argument("--no-exchange", action="store_true",
                     help="do not create the exchange (it is made elsewhere, e.g. a shared "
                     "volume)")
    hub.add_argument("--mem-limit", default="2G",
                     help="memory per user's server, e.g. 2G (default 2G)")
    hub.add_argument("--cpu-limit", type=float, default=1.0,
                     help="CPUs per user's server, e.g. 1 or 0.5 (default 1)")
    hub.add_argument("--spawner", default="local", choices=["local", "systemd"],
                     help="local: LocalProcessSpawner, limits advisory; systemd: "
                     "jupyterhub-systemdspawner, limits enforced (install it)")
    hub.add_argument("--authenticator", default="pam", choices=["pam", "ldap", "oauth", "dummy"],
                     help="pam: the server's Unix passwords (default); ldap, oauth: install "
                     "and configure their packages; dummy: tests only")
    hub.add_argument("--insecure-test-auth", action="store_true",
                     help="allow --authenticator dummy (one shared password for every user): "
                     "for a test hub on 127.0.0.1 only")
    hub.add_argument("--review", action="append", metavar="UNIT:M1,M2",
                     help="enterprise reviewers: these mentors (Unix accounts) mark UNIT's "
                     "manually graded cells in a formgrader of their own, and see nothing else "
                     "(repeatable, one unit per mentor)")
    hub.add_argument("--review-root", default="/srv/nbgrader/review",
                     help="where the review folders are made (default /srv/nbgrader/review)")
    hub.add_argument("--book-repo", default="", metavar="URL",
                     help="the book's git repository, to print its nbgitpuller launch link")
    hub.add_argument("--book-branch", default="main", help="its branch (main)")
    hub.set_defaults(run=run_hub)
