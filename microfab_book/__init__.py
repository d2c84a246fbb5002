"""The web book: generated pages from the units, lab releases, the Jupyter Book build, the audit.

`microfab book ...` is a thin command over `microfab_book.build.build_book`; benchmarks and
tests import this package, never the command line.
"""
