"""One module per `microfab` subcommand: each parses its arguments, calls one library function
and prints what happened. The work itself lives in the packages below the command line.

Every command exits by one convention (EXIT_STATUS, shown in `microfab --help`)."""

OK = 0
FAILED = 1  # the work ran and failed, or found problems
USAGE = 2  # bad usage or bad input: nothing was done (argparse uses 2 for usage, too)

EXIT_STATUS = """exit status (every command):
  0  success
  1  the work ran and failed or found problems: a unit fails the gate, a visible test
     fails, the book build fails, _toc.yml is out of date, nbgrader reports a failure,
     a download or its checksum fails, a device stops answering
  2  bad usage or bad input, and nothing was done: wrong arguments; a missing,
     unreadable or malformed file or folder you named (a unit.yaml, a brief, a
     notebook, a gradebook, a data set with bad files or another layout); an unknown
     name (unit, profile, data set, camera scheme)"""


def print_table(headers: list[str], rows: list[list[str]], width: int | None = None) -> None:
    """Columns as wide as their widest cell, two spaces apart; the last column wraps to fit
    the terminal (a table never runs one column into the next)."""
    import shutil
    import textwrap

    width = width or shutil.get_terminal_size((100, 24)).columns
    widths = [max(len(str(r[i])) for r in [headers, *rows]) for i in range(len(headers) - 1)]
    indent = sum(widths) + 2 * len(widths)
    last = max(width - indent, 20)
    for row in [headers, [""] * len(headers), *rows]:
        if row[0] == "" and not any(row):  # the rule under the header
            print("-" * min(width, indent + max(len(str(r[-1])) for r in [headers, *rows])))
            continue
        cells = "  ".join(f"{str(c):{w}}" for c, w in zip(row, widths, strict=False))
        lines = textwrap.wrap(str(row[-1]), last, break_on_hyphens=False,
                              break_long_words=False) or ["-"]  # never split a name or URI
        print(f"{cells}  {lines[0]}".rstrip())
        for more in lines[1:]:
            print(" " * indent + more)
