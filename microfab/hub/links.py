"""nbgitpuller links: the book's launch buttons pull the repository into the student's home
and open a page, the way jupyter-book writes them."""

from __future__ import annotations

from urllib.parse import urlencode


def repo_folder(repo: str) -> str:
    """The folder nbgitpuller clones `repo` into: the last part of its URL, without .git."""
    return repo.rstrip("/").rsplit("/", 1)[-1].removesuffix(".git")


def pull_link(hub_url: str, repo: str, branch: str = "main", path: str = "") -> str:
    """A link that logs the user in, pulls `repo` at `branch` and opens `path` in JupyterLab."""
    target = f"lab/tree/{repo_folder(repo)}" + (f"/{path.lstrip('/')}" if path else "")
    query = urlencode({"repo": repo, "branch": branch, "urlpath": target})
    return f"{hub_url.rstrip('/')}/hub/user-redirect/git-pull?{query}"
