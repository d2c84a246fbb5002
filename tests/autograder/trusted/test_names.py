"""The names a test cell reads from the student: what it loads and never binds."""

from autograder.trusted.names import free_names


def test_loaded_names_less_bound_names_imports_and_builtins():
    source = ("import numpy as np\nfrom math import sqrt\nexpected = np.array([1])\n"
              "assert double(2) == 4, len(expected)\nfor i in range(3):\n    check(i, sqrt(i))\n")
    assert free_names(source) == {"double", "check"}


def test_names_inside_functions_count_since_they_run_later():
    source = "def run(frames):\n    return [inspect(f) for f in frames]\nrun(evaluation)\n"
    assert free_names(source) == {"inspect", "evaluation"}


def test_ipython_syntax_is_understood_and_broken_code_reads_nothing():
    assert free_names("%matplotlib inline\nresult = stretch(image)") == {"stretch", "image"}
    assert free_names("def broken(:\n") == set()
