"""Write a classroom hub: jupyterhub_config.py, each role's Jupyter settings, the lab kernels,
the hub's private state folder, the shared exchange, and a private course folder."""

from __future__ import annotations

import secrets
import shutil
from dataclasses import dataclass
from pathlib import Path

from microfab.hub.config import render_config
from microfab.hub.exchange import make_course_private, prepare_exchange
from microfab.hub.review import check_reviews, prepare_review
from microfab.hub.roles import ROLES, write_role_config
from microfab.hub.settings import HubSettings, check_settings

REPO = Path(__file__).resolve().parents[2]
PROXY = "configurable-http-proxy"


@dataclass(frozen=True)
class Deployment:
    config: Path
    files: list[Path]
    exchange: Path | None
    course_made_private: bool
    password_file: Path | None
    kernels: list[Path]
    reviews: dict[str, Path]  # unit -> the folder its mentors' formgrader works on


def find_proxy() -> str | None:
    """JupyterHub's proxy: on PATH, else the one npm installed into this checkout."""
    local = REPO / "node_modules" / ".bin" / PROXY
    return shutil.which(PROXY) or (str(local) if local.is_file() else None)


def _private_folder(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    path.chmod(0o700)
    return path


def write_deployment(settings: HubSettings, insecure_test_auth: bool = False,
                     exchange: bool = True, kernels: bool = True) -> Deployment:
    """Write everything under settings.out; create the exchange unless `exchange` is False."""
    from lab_kernels import install_kernels

    check_settings(settings, insecure_test_auth)
    check_reviews(settings.reviews, settings.course, {*settings.instructors, *settings.students})
    out = settings.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    out.chmod(0o755)  # every user's server reads the role settings and kernels under it
    state = _private_folder(out / "state")
    password_file = None
    if settings.authenticator == "dummy":
        password_file = state / "test-password"
        if not password_file.is_file():
            password_file.write_text(secrets.token_urlsafe(16) + "\n")
        password_file.chmod(0o600)
    files = []
    role_config = {}
    for role in ROLES:
        folder = out / "jupyter" / role
        files += write_role_config(settings, role, folder)
        role_config[role] = str(folder)
    reviews = {}
    for review in settings.reviews:
        reviews[review.unit] = prepare_review(review, settings.review_root, settings.course,
                                              settings.course_id)
        folder = out / "jupyter" / review.hub_group
        files += write_role_config(settings, review.hub_group, folder, reviews[review.unit])
        role_config[review.hub_group] = str(folder)
    (out / "jupyter").chmod(0o755)
    jupyter_path = out / "share" / "jupyter"
    installed = install_kernels(prefix=str(out)) if kernels else []
    config = out / "jupyterhub_config.py"
    config.write_text(render_config(settings, config, state, role_config, jupyter_path,
                                    password_file))
    config.chmod(0o644)
    made_private = make_course_private(settings.course)
    root = prepare_exchange(settings.exchange) if exchange else None
    return Deployment(config, [config, *files], root, made_private, password_file, installed,
                      reviews)
