"""`microfab hw probe|record`: what hardware answers, and recording sessions from it."""

from __future__ import annotations

import argparse
import sys

from microfab.commands import FAILED, USAGE, print_table


def run_probe(args) -> int:
    from hardware_shims.probe import auto_bindings, probe_schemes

    print_table(["kind", "scheme", "SDK", "status", "devices"],
                [[row.kind, row.scheme + "://", row.sdk or "-", row.status,
                  ", ".join(row.devices) or "-"] for row in probe_schemes()])
    print()
    for kind, binding in auto_bindings().items():
        print(f"auto {kind}: {binding}")
    return 0


def run_record(args) -> int:
    from hardware_shims import ShimError, record
    from hardware_shims.errors import ProfileError, SessionError, UnknownSchemeError

    try:
        path = record(args.uri, args.frames, args.out, progress=not args.quiet)
    except (UnknownSchemeError, ProfileError, SessionError, ValueError) as exc:  # as named
        print(f"microfab hw record: {exc}", file=sys.stderr)
        return USAGE
    except ShimError as exc:  # the device failed: lost, timed out
        print(f"microfab hw record: {exc}", file=sys.stderr)
        return FAILED
    print(f"recorded {path}; replay it with open_camera('replay://{path.resolve()}')")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("hw", help="probe hardware and record sessions",
                            description="Hardware shims: cameras, edge boards and arms by URI.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    probe = actions.add_parser(
        "probe", help="list schemes, SDKs, devices and what `auto` binds now",
        description="For every registered scheme (cameras, boards, arms): whether its SDK "
        "imports and which devices answer; then what open_camera('auto') would bind under the "
        "active profile (MICROFAB_PROFILE).")
    probe.set_defaults(run=run_probe)
    rec = actions.add_parser(
        "record", help="record a camera stream to a session file (MCAP)",
        description="Read N frames from any camera URI and write them, with every frame's "
        "metadata and ground truth, to an MCAP session that replay:// plays back.",
        epilog="example: microfab hw record usb://0 --frames 50 --out line-a.mcap; exits 2 "
        "for an unknown or malformed URI or a missing session, 1 when the device fails.")
    rec.add_argument("uri", help="camera URI, e.g. usb://0, basler://SERIAL, sim://..., auto")
    rec.add_argument("--frames", type=int, required=True, help="how many frames to record")
    rec.add_argument("--out", required=True, help="session file to write (.mcap)")
    rec.add_argument("--quiet", action="store_true", help="no progress bar")
    rec.set_defaults(run=run_record)
