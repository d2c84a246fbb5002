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
