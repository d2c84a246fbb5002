"""One module per `microfab` subcommand: each parses its arguments, calls one library function
and prints what happened. The work itself lives in the packages below the command line."""
