"""The book's pages run through the notebook runner into the cache myst-nb reads."""

from __future__ import annotations

from jupyter_cache import get_cache

from microfab_book import execute
from microfab_book.execute import executable_pages, execute_pages, read_page
from microfab_book.layout import EXECUTION_CACHE
from microfab_book.toc import write_toc


def test_pages_run_once_and_myst_nb_finds_every_run(small_book, monkeypatch):
    from course_units import load_catalogue

    write_toc(small_book, load_catalogue(small_book / "course_units"))
    pages = executable_pages(small_book)
    docs = [doc for doc, _ in pages]
    assert "book/try-it" in docs and any(doc.endswith("/lesson") for doc in docs)
    assert not any("generated/labs" in doc for doc in docs)  # labs are never executed

    first = execute_pages(small_book, log=lambda message: None)
    assert sorted(first.executed) == sorted(docs) and first.failed == []
    cache = get_cache(str(small_book / EXECUTION_CACHE))
    for _, path in pages:  # what myst-nb looks up when it renders the page
        record = cache.match_cache_notebook(read_page(path))
        merged = cache.merge_match_into_notebook(read_page(path))[1]
        assert record.data[execute.RUN_KEY] == execute.run_fingerprint()
        assert any(cell.get("outputs") for cell in merged.cells if cell.cell_type == "code")

    again = execute_pages(small_book, log=lambda message: None)
    assert again.executed == [] and sorted(again.reused) == sorted(docs)

    monkeypatch.setattr(execute, "sessions_fingerprint", lambda: b"a new recording")
    redrawn = execute_pages(small_book, log=lambda message: None)
    assert sorted(redrawn.executed) == sorted(docs)  # new data: every page runs again
    forced = execute_pages(small_book, force=True, log=lambda message: None)
    assert sorted(forced.executed) == sorted(docs)


def test_pages_run_side_by_side_and_a_failing_one_is_reported_alone(small_book):
    from course_units import load_catalogue

    write_toc(small_book, load_catalogue(small_book / "course_units"))
    pages = dict(executable_pages(small_book))
    broken = next(doc for doc in pages if doc.endswith("/lesson"))
    pages[broken].write_text(pages[broken].read_text().replace(
        "import ", "raise RuntimeError('lens cap on')\nimport ", 1))
    said = []
    run = execute_pages(small_book, jobs=2, log=said.append)
    assert sorted(run.executed) == sorted(pages)
    assert len(run.failed) == 1 and str(pages[broken]) in run.failed[0]
    assert "lens cap on" in run.reports[0].read_text()
    assert any("2 pages at a time" in line for line in said)
    assert all(any(f"{doc} ran in" in line for line in said) for doc in pages if doc != broken)
