"""`microfab serve`: the built book and the lab kernels from one local Jupyter server, so the
pages' "Live Code" button runs their cells in place."""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

from microfab.commands import FAILED, USAGE


def run_serve(args) -> int:
    from microfab_book.serve import ServeError, check_book, open_in_browser, start_server

    try:
        book_dir = check_book(Path(args.book_dir))
        server = start_server(book_dir, port=args.port)
    except ServeError as exc:
        print(f"microfab serve: {exc}", file=sys.stderr)
        return USAGE if "not built" in str(exc) else FAILED
    print(f"serving {book_dir} and the lab kernels on {server.url} (this machine only)")
    print(f"open the book at:\n\n    {server.book_url}\n")
    print("then press Live Code (the rocket button) on a lesson. Ctrl-C stops the server.",
          flush=True)
    if not args.no_browser:
        open_in_browser(server.book_url)
    # a `kill` stops it as cleanly as Ctrl-C: the server runs in its own session
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        while server.process.poll() is None:
            time.sleep(0.5)
        print(f"microfab serve: the server stopped (exit {server.process.returncode}):\n"
              f"{server.log_tail()}", file=sys.stderr)
        return FAILED
    except KeyboardInterrupt:
        print("\nstopping the server and its kernels", flush=True)
        return 0
    finally:
        server.stop()


def add_parser(sub: argparse._SubParsersAction) -> None:
    from microfab_book.serve import DEFAULT_PORT

    parser = sub.add_parser(
        "serve", help="serve the built book with live code on this machine",
        description="Starts a Jupyter server on 127.0.0.1 only, with a random token, that serves "
        "the built book (make book) under /book/ and runs the pages' cells in the lab kernels "
        "(microfab-replay by default: recorded data, no hardware, no network). Prints the "
        "address to open, token included; nothing from other hosts or origins is let in. "
        "Ctrl-C stops it. Exits 2 when the book is not built, 1 when the server does not start "
        "or stops on its own.")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT,
                        help=f"the port on 127.0.0.1 (default: {DEFAULT_PORT})")
    parser.add_argument("--book-dir", default="_build/html", metavar="DIR",
                        help="the built book (default: _build/html, made by `make book`)")
    parser.add_argument("--no-browser", action="store_true",
                        help="only print the address; do not open a browser")
    parser.set_defaults(run=run_serve)
