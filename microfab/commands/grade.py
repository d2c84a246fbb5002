"""`microfab grade ...`: release, collect, autograde (sandboxed, parallel), feedback, export,
report, and the students' own `validate`."""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

from lab_kernels.limits import describe as describe_limits
from microfab.commands import FAILED, USAGE, print_table
from microfab.commands.course import add_course_option
from microfab.commands.grade_review import add_review_parser


def _fail(action: str, exc: Exception, code: int = USAGE) -> int:
    print(f"microfab grade {action}: {exc}", file=sys.stderr)
    return code


def _overrides(args):
    from traitlets.config import Config

    config = Config()
    if getattr(args, "exchange", None):
        config.Exchange.root = str(Path(args.exchange).resolve())
    return config


def _exchange(args) -> Path:
    """The one exchange release and collect use: --exchange, else the course's
    nbgrader_config.py (c.Exchange.root), else nbgrader's default."""
    from autograder.course import load_config

    config = load_config(Path(args.course), _overrides(args))
    return Path(config.Exchange.get("root", "/srv/nbgrader/exchange"))


def _create_exchange_hint(exchange: Path) -> str:
    return (f"create it as a user who may (e.g. `sudo mkdir -p {exchange} && sudo chmod 777 "
            f"{exchange}`, as nbgrader's docs say), or name another with --exchange DIR or "
            f"c.Exchange.root in nbgrader_config.py")


def run_release(args) -> int:
    from autograder.course import NbgraderError, run_nbgrader

    exchange = _exchange(args)
    try:
        run_nbgrader(Path(args.course), "generate_assignment", args.assignment, force=True,
                     create=True)
        # nbgrader creates a missing exchange with the permissions students need (0777)
        overrides = _overrides(args)
        overrides.ExchangeReleaseAssignment.force = True  # a re-release replaces the old one
        run_nbgrader(Path(args.course), "release_assignment", args.assignment,
                     overrides=overrides)
    except NbgraderError as exc:  # nbgrader ran and failed
        if "permission denied" in str(exc).lower() or not exchange.is_dir():
            return _fail("release", RuntimeError(
                f"the exchange {exchange} cannot be created or made writable for students: "
                f"{_create_exchange_hint(exchange)}"), FAILED)
        return _fail("release", exc, FAILED)
    print(f"released {args.assignment}: students fetch it from the exchange {exchange} "
          f"(student version also in {Path(args.course) / 'release' / args.assignment})")
    return 0


def run_collect(args) -> int:
    from autograder.course import NbgraderError, load_config, run_nbgrader

    exchange = _exchange(args)
    course_id = load_config(Path(args.course)).CourseDirectory.get("course_id", "")
    inbound = exchange / course_id / "inbound"
    if not exchange.is_dir():
        return _fail("collect", FileNotFoundError(
            f"the exchange {exchange} does not exist, so nothing was submitted to it: release "
            f"the assignment first (`microfab grade release {args.assignment}` creates it), or "
            f"{_create_exchange_hint(exchange)}"))
    submitted = inbound.is_dir() and any(inbound.glob(f"*+{args.assignment}+*"))
    if not submitted:  # nbgrader only logs a warning for this
        print(f"no submissions of {args.assignment} in the exchange {exchange} yet "
              f"(students submit with the Assignments tab or `nbgrader submit`)")
        return 0
    try:
        run_nbgrader(Path(args.course), "collect", args.assignment, overrides=_overrides(args))
    except NbgraderError as exc:  # nbgrader ran and failed
        return _fail("collect", exc, FAILED)
    students = sorted(p.name for p in (Path(args.course) / "submitted").iterdir()
                      if (p / args.assignment).is_dir())
    print(f"collected {args.assignment} from {exchange} into "
          f"{Path(args.course) / 'submitted'}: {len(students)} student(s)")
    return 0


def _unit_limits(assignment: str, overrides: list[str] | None = None):
    """The unit's `grading:` limits when the assignment is a unit, else the defaults; then
    each `--limit NAME=VALUE`."""
    from course_units import load_catalogue
    from lab_kernels.limits import GradingLimits

    try:
        limits = GradingLimits.from_unit(load_catalogue().get(assignment)).as_dict()
    except KeyError:
        limits = GradingLimits().as_dict()
    for item in overrides or []:
        name, _, value = item.partition("=")
        try:
            limits[name.strip()] = float(value) if "." in value else int(value)
        except ValueError:
            raise ValueError(f"--limit {item!r}: give NAME=NUMBER, e.g. --limit "
                             "cell_timeout_s=120") from None
    return GradingLimits.from_dict(limits)


def run_autograde(args) -> int:
    from autograder.autograde import GradingRefused, autograde
    from autograder.course import NbgraderError
    from lab_kernels.sandbox import SandboxUnavailable

    if args.regrade and args.force:
        return _fail("autograde", ValueError("--regrade already grades again every submission "
                                             "not graded with the current tests; leave out "
                                             "--force"))
    if args.unsafe_no_sandbox:
        print("WARNING: grading WITHOUT the sandbox: student code runs with your permissions "
              "and can read, change or delete your files.", file=sys.stderr)
    if args.regrade:
        return _run_regrade(args)
    try:
        run = autograde(Path(args.course), args.assignment, workers=args.workers,
                        dask_address=args.dask, sandbox=not args.unsafe_no_sandbox,
                        force=args.force, limits=_unit_limits(args.assignment, args.limit))
    except (GradingRefused, ValueError) as exc:  # no gradebook, not released, bad --limit
        sandbox = isinstance(exc.__cause__, SandboxUnavailable)  # the machine, not the input
        return _fail("autograde", exc, FAILED if sandbox else USAGE)
    except NbgraderError as exc:
        return _fail("autograde", exc, FAILED)
    for warning in run.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for why in run.refused.values():
        print(f"not graded: {why}", file=sys.stderr)
    if run.skipped:
        print(f"already graded (use --force to regrade): {', '.join(run.skipped)}")
    _print_scores(Path(args.course), args.assignment, run)
    return 0


def _run_regrade(args) -> int:
    from autograder.autograde import GradingRefused
    from autograder.course import NbgraderError
    from autograder.regrade import regrade
    from lab_kernels.sandbox import SandboxUnavailable

    try:
        done = regrade(Path(args.course), args.assignment, workers=args.workers,
                       dask_address=args.dask, sandbox=not args.unsafe_no_sandbox,
                       limits=_unit_limits(args.assignment, args.limit))
    except (GradingRefused, ValueError) as exc:  # unknown assignment, no submissions, --limit
        sandbox = isinstance(exc.__cause__, SandboxUnavailable)
        return _fail("autograde --regrade", exc, FAILED if sandbox else USAGE)
    except NbgraderError as exc:  # e.g. a graded cell removed from a submitted assignment
        return _fail("autograde --regrade", exc, FAILED)
    for warning in done.run.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for why in done.run.refused.values():
        print(f"not graded: {why}", file=sys.stderr)
    if done.unchanged:
        print(f"the tests of {args.assignment} have not changed since they were last graded: "
              f"nothing regraded, all {len(done.outcomes)} submission(s) unchanged")
        return 0
    print("changed in the tests: " + ("; ".join(done.changes) or "nothing since the last run"))
    print_table(["student", "score before -> after", "change", "note"], done.rows())
    changed = [o.student for o in done.outcomes if o.changed]
    failed = [o.student for o in done.outcomes if o.failed]
    print(f"{len(changed)} score(s) changed" + (f": {', '.join(changed)}" if changed else "") +
          (f"; {len(failed)} regrade(s) failed, previous grades kept: {', '.join(failed)}"
           if failed else "") + f"; manual marks kept. Table as CSV: {done.csv_path}")
    return 0


def _print_scores(course: Path, assignment: str, run) -> None:
    """The run's table, in the shape of `nbgrader list`: student, score / max, status, reason."""
    from autograder.course import assignment_scores
    from autograder.ingest import log_path

    scores = assignment_scores(course, assignment)
    rows = [(r.student, scores.get(r.student), r.status,
             r.reason.splitlines()[0] if r.reason else "") for r in run.results]
    rows += [(folder, None, "refused", why) for folder, why in run.refused.items()]
    if not rows:
        print(f"nothing new to grade for {assignment}")
        return
    print_table(["student", "score", "status", "reason"],
                [[student, f"{score[0]:g} / {score[1]:g}" if score else "-", status, reason]
                 for student, score, status, reason in rows])
    print(f"graded notebooks: {course / 'autograded'}/<student>/{assignment}/; "
          f"log of every run: {log_path(course)}")


def run_feedback(args) -> int:
    from autograder.course import NbgraderError, run_nbgrader
    from autograder.feedback import FeedbackError, feedback_config, make_offline

    exchange = _exchange(args)
    try:
        run_nbgrader(Path(args.course), "generate_feedback", args.assignment, force=True,
                     overrides=feedback_config())
        make_offline(Path(args.course), args.assignment)  # MathJax inlined: no CDN
        if exchange.is_dir():  # only HTML crosses to the students
            run_nbgrader(Path(args.course), "release_feedback", args.assignment,
                         overrides=_overrides(args))
    except (NbgraderError, FeedbackError) as exc:  # nbgrader failed, or MathJax is missing
        return _fail("feedback", exc, FAILED)
    print(f"feedback: {Path(args.course) / 'feedback'}/<student>/{args.assignment}/*.html")
    if exchange.is_dir():
        print(f"released to the exchange {exchange}: each student fetches their own with the "
              f"Assignments tab or `nbgrader fetch_feedback {args.assignment}`")
    return 0


def run_validate(args) -> int:
    from autograder.validate import validate_notebook
    from hardware_shims.profiles import active_profile, fast_mode
    from lab_kernels.run import RunEnv

    path = Path(args.notebook)
    if not path.is_file():
        return _fail("validate", FileNotFoundError(f"no notebook at {path}"))
    try:
        problems = validate_notebook(path, RunEnv(active_profile().name, fast_mode()))
    except Exception as exc:  # nbgrader raises for unreadable notebooks and kernel failures
        unreadable = isinstance(exc, (ValueError, UnicodeDecodeError)) or \
            type(exc).__name__ in ("NotJSONError", "ValidationError")
        return _fail("validate", exc, USAGE if unreadable else FAILED)
    red, green = _colours(sys.stdout)
    for problem in problems:
        print(red(problem.describe()))
    at_stake = sum(p.points for p in problems)
    print(f"{path}: " + (red(f"{len(problems)} problem(s)") +
                         (f", {at_stake:g} point(s) at stake" if at_stake else "") +
                         "; fix them before you submit" if problems
                         else green("all visible tests pass")))
    return 1 if problems else 0


def _colours(stream):
    """Red and green for a terminal; plain text for files, pipes and NO_COLOR
    (https://no-color.org)."""
    import os

    if not stream.isatty() or os.environ.get("NO_COLOR"):
        return str, str
    return (lambda text: f"\x1b[31m{text}\x1b[0m"), (lambda text: f"\x1b[32m{text}\x1b[0m")


def run_export(args) -> int:
    from autograder import lms

    exporter = {"canvas": lms.export_canvas, "moodle": lms.export_moodle}[args.format]
    db_url = f"sqlite:///{Path(args.course).resolve() / 'gradebook.db'}"
    try:
        out = exporter(db_url, Path(args.out), assignments=args.assignment)
    except KeyError as exc:  # --assignment names none in the gradebook
        return _fail("export", ValueError(exc.args[0]))
    except Exception as exc:  # a missing or locked gradebook: say which file
        missing = not (Path(args.course) / "gradebook.db").is_file()
        return _fail("export", exc, USAGE if missing else FAILED)
    print(f"{args.format} grades: {out}")
    return 0


def run_report(args) -> int:
    from autograder.reports import write_reports
    from autograder.review import mentor_marks
    from course_units import load_catalogue

    db_url = f"sqlite:///{Path(args.course).resolve() / 'gradebook.db'}"
    try:
        paths = write_reports(db_url, load_catalogue(), Path(args.out),
                              mentor_marks=mentor_marks(Path(args.course)))
    except Exception as exc:  # a missing or locked gradebook: say which file
        missing = not (Path(args.course) / "gradebook.db").is_file()
        return _fail("report", exc, USAGE if missing else FAILED)
    for name, path in paths.items():
        print(f"{name:28} {path}")
    return 0


def run_similarity(args) -> int:
    from autograder.similarity import THRESHOLD, SimilarityError, similarity
    from autograder.similarity_report import write_report

    course = Path(args.course)
    out = Path(args.out) if args.out else course / "reports" / f"similarity-{args.assignment}.html"
    try:
        threshold = THRESHOLD if args.threshold is None else args.threshold
        comparison = similarity(course, args.assignment, threshold)
    except SimilarityError as exc:  # no release, no submissions, a bad --threshold
        return _fail("similarity", exc)
    for warning in comparison.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    try:
        write_report(comparison, out)
    except OSError as exc:  # the report's folder cannot be written
        return _fail("similarity", OSError(f"cannot write the report {out} ({exc.strerror}); "
                                           "name another file with --out"), FAILED)
    flagged = comparison.flagged
    print_table(["rank", "students", "score", "verdict"],
                [[str(rank), f"{p.first.student} / {p.second.student}", f"{p.score:.2f}",
                  "flagged" if p.score >= comparison.threshold else "-"]
                 for rank, p in enumerate(comparison.pairs[:max(len(flagged), 10)], 1)])
    print(f"{len(flagged)} of {len(comparison.pairs)} pairs at or over {comparison.threshold:g}: "
          "a reason to talk with the students, not proof of copying")
    print(f"report with the shared fragments side by side: {out}")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("grade", help="release, collect, autograde, feedback, export, report, "
                            "similarity, review",
                            description="Grading on a standard nbgrader course folder.",
                            epilog="exit status: 0 done (autograde: every submission has a "
                            "score or a recorded reason); 1 nbgrader failed, the sandbox cannot "
                            "start, or (validate) a test fails; 2 bad usage or bad input: no "
                            "course, gradebook, submissions or release, an unreadable "
                            "notebook.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    def action(name, help_text, run, assignment=True):
        p = actions.add_parser(name, help=help_text, description=help_text)
        if assignment:
            p.add_argument("assignment", help="the assignment (a unit id, e.g. 00-orientation)")
        add_course_option(p)
        p.set_defaults(run=run)
        return p

    release = action("release", "generate the student version and release it", run_release)
    exchange_help = ("the nbgrader exchange folder (default: c.Exchange.root in the course's "
                     "nbgrader_config.py; release creates it, writable by students, when "
                     "missing)")
    release.add_argument("--exchange", help=exchange_help)
    collect = action("collect", "collect submissions from the exchange", run_collect)
    collect.add_argument("--exchange", help=exchange_help)
    autograde = action(
        "autograde", "grade every submission in the sandbox, in parallel", run_autograde)
    autograde.formatter_class = argparse.RawDescriptionHelpFormatter
    autograde.description = textwrap.fill(
        "Grade every submission: student code runs in a sandboxed kernel, the tests (visible "
        "and hidden) in a separate trusted process that reads the student's names as plain "
        "data. Every submission ends with a score or a recorded reason.") + "\n\n" + \
        textwrap.fill("Limits for one submission (defaults; a unit overrides them in the "
                      "grading: block of its unit.yaml, and --limit NAME=VALUE overrides "
                      "both):") + f"\n{describe_limits()}" + "\n\n" + \
        textwrap.fill(
            "--regrade, after you fix a test (its code, expected value or points) in "
            "source/ASSIGNMENT/*.ipynb: nbgrader's generate_assignment updates the gradebook's "
            "copy of the tests (release/ and the exchange keep the students' copy), then every "
            "submission is graded again in the sandbox. Manual scores, comments and extra "
            "credit stay. Prints each student's score before -> after, marks the changes and "
            "writes the same to <course>/reports/regrade-ASSIGNMENT.csv; the previous graded "
            "notebooks are kept in <course>/.microfab/regrade/ASSIGNMENT/. A submission whose "
            "regrade fails keeps its previous grade, with the reason; run --regrade again to "
            "retry it, or to finish an interrupted regrade. Unchanged tests: nothing is "
            "regraded.")
    autograde.add_argument("--workers", type=int, default=1, help="local grading processes")
    autograde.add_argument("--dask", metavar="ADDRESS", help="grade on a Dask cluster instead")
    autograde.add_argument("--force", action="store_true", help="regrade graded submissions")
    autograde.add_argument("--regrade", action="store_true",
                           help="after fixing tests in source/ASSIGNMENT/: update the gradebook's "
                           "tests and points (the released copy stays), regrade every submission "
                           "keeping manual marks, and report whose score changed")
    autograde.add_argument("--limit", action="append", metavar="NAME=VALUE",
                           help="override one grading limit (repeatable), e.g. "
                           "--limit cell_timeout_s=120")
    autograde.add_argument("--unsafe-no-sandbox", action="store_true",
                           help="DANGEROUS: run student code with your own permissions")
    feedback = action(
        "feedback", "HTML feedback per student; hidden tests show pass/fail and hints only, "
        "released to the exchange when there is one", run_feedback)
    feedback.add_argument("--exchange", help=exchange_help)
    export = action("export", "grades as a Canvas or Moodle import CSV", run_export,
                    assignment=False)
    export.add_argument("--format", choices=["canvas", "moodle"], default="canvas")
    export.add_argument("--out", required=True, help="CSV file to write")
    export.add_argument("--assignment", action="append", metavar="ID",
                        help="only this assignment's column (repeatable; default: every "
                        "assignment with graded submissions)")
    report = action("report", "competency, item-analysis and certificate-readiness reports, "
                    "and every mark by source (autograder, instructor, mentor)",
                    run_report, assignment=False)
    report.add_argument("--out", default="reports", help="folder for the CSV and HTML files")
    similar = action("similarity", "rank pairs of submissions by the similarity of their "
                     "answers", run_similarity)
    similar.description = (
        "Compare the answer cells (nbgrader solution cells) of every pair of submissions in "
        "submitted/<student>/ASSIGNMENT/, leaving out the lines of the released starter code, "
        "with copydetect's fingerprints (names normalised, comments and spacing ignored, so "
        "renamed variables and reordered functions still match). Student code is only read, "
        "never run. Prints the most similar pairs and writes a self-contained HTML report with "
        "the shared fragments of each flagged pair side by side. A high score is a reason to "
        "talk with the students, not proof of copying. A notebook that cannot be read is "
        "named and left out.")
    similar.add_argument("--threshold", type=float,
                         help="flag pairs whose score (the larger share of one student's "
                         "fingerprinted code found in the other's) is at least this, in (0, 1] "
                         "(default 0.5: independently written correct answers stay well "
                         "below it)")
    similar.add_argument("--out", help="the HTML report (default: "
                         "<course>/reports/similarity-ASSIGNMENT.html)")
    add_review_parser(actions)
    validate = actions.add_parser(
        "validate", help="check your notebook before you submit (exit 1 if a test fails)",
        description="Run the notebook and its visible tests, as the autograder will, and name "
        "each failing test as the lab does (task, test, points) with its reason, or the "
        "function that is not implemented yet. Exits non-zero when a test fails or an error "
        "occurs. Colour on a terminal only; set NO_COLOR=1 for none.")
    validate.add_argument("notebook")
    validate.set_defaults(run=run_validate)
