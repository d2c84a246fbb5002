"""A classroom on JupyterHub: the hub's configuration, the per-role Jupyter settings of each
user's server, and nbgrader's shared exchange (`microfab deploy hub`)."""

from microfab.hub.deployment import Deployment, write_deployment
from microfab.hub.settings import HubConfigError, HubSettings

__all__ = ["Deployment", "HubConfigError", "HubSettings", "write_deployment"]
