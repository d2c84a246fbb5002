"""`microfab kernels install|list`: Jupyter kernels that pin a lab profile."""

from __future__ import annotations

import argparse
import sys

from microfab.commands import USAGE


def run_install(args) -> int:
    from lab_kernels import install_kernels

    prefix = sys.prefix if args.sys_prefix else args.prefix
    try:
        paths = install_kernels(args.profile or None, user=args.user, prefix=prefix)
    except KeyError as exc:
        print(f"microfab kernels install: {exc.args[0]}", file=sys.stderr)
        return USAGE
    for path in paths:
        print(f"installed {path.name} in {path}")
    return 0


def run_list(args) -> int:
    from lab_kernels import installed_kernels

    kernels = installed_kernels()
    if not kernels:
        print("no microfab kernels installed; run `microfab kernels install --sys-prefix`")
        return 0
    for name, (profile, folder) in kernels.items():
        print(f"{name:24} profile {profile:12} {folder}")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("kernels", help="install and list lab-profile Jupyter kernels",
                            description="Kernels named microfab-<profile> run this environment's "
                            "Python with MICROFAB_PROFILE set, so open_camera('auto') binds the "
                            "profile's devices.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    install = actions.add_parser("install", help="install the kernelspecs")
    where = install.add_mutually_exclusive_group()
    where.add_argument("--user", action="store_true", help="into the user's Jupyter folder")
    where.add_argument("--sys-prefix", action="store_true",
                       help="into this environment (recommended for a venv)")
    where.add_argument("--prefix", help="into PREFIX/share/jupyter/kernels")
    install.add_argument("--profile", action="append",
                         help="only this profile (repeatable; default: all)")
    install.set_defaults(run=run_install)
    listing = actions.add_parser("list", help="show installed microfab kernels")
    listing.set_defaults(run=run_list)
