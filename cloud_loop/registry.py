"""The scorer's model registry: MLflow tracking and registry in a local SQLite file, offline.

No server and no network: the tracking and registry URI is `sqlite:///<folder>/mlflow.db`, the
artifacts lie in `<folder>/artifacts`, and MLflow's usage telemetry is switched off
(`MLFLOW_DISABLE_TELEMETRY`, `DO_NOT_TRACK`) before MLflow is imported. A version is a run's
`state_dict` artifact (with the scorer's shape in `scorer.json`): `mlflow.pytorch` needs pandas,
which `mlflow-skinny` does not bring. Promotion moves a registered-model alias (stages are
deprecated since MLflow 2.9); every move is written to the registered model's `alias_history`
tag, so a rollback moves the alias back to the version it held before.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path

import torch

from .scorer import Scorer

TELEMETRY_OFF = {"MLFLOW_DISABLE_TELEMETRY": "true", "DO_NOT_TRACK": "true"}
QUIET = {"MLFLOW_ENABLE_ARTIFACTS_PROGRESS_BAR": "false"}  # no progress bar per download


def offline() -> None:
    """Switch MLflow's usage telemetry off; call before MLflow is first imported."""
    os.environ.update(TELEMETRY_OFF)
    os.environ.update(QUIET)


class Registry:
    """One registered model (`name`) and its experiment, kept in `folder`."""

    def __init__(self, folder, name: str = "patch-scorer"):
        offline()
        from mlflow.tracking import MlflowClient  # the optional `cloud` extra

        logging.getLogger("mlflow").setLevel(logging.WARNING)  # MLflow sets INFO on import

        self.folder = Path(folder).resolve()
        self.folder.mkdir(parents=True, exist_ok=True)
        self.uri = f"sqlite:///{self.folder / 'mlflow.db'}"
        self.name = name
        self.client = MlflowClient(tracking_uri=self.uri, registry_uri=self.uri)
        experiment = self.client.get_experiment_by_name(name)
        self.experiment_id = (experiment.experiment_id if experiment else
                              self.client.create_experiment(
                                  name, artifact_location=(self.folder / "artifacts").as_uri()))
        if not self.client.search_registered_models(f"name = '{name}'"):
            self.client.create_registered_model(name)

    def register(self, model: Scorer, metrics: dict, trained_on: list[str],
                 params: dict | None = None) -> int:
        """A new version of the model: its weights, metrics, parameters and training data."""
        run = self.client.create_run(self.experiment_id)
        run_id = run.info.run_id
        for key, value in (params or {}).items():
            self.client.log_param(run_id, key, value)
        for key, value in metrics.items():
            self.client.log_metric(run_id, key, float(value))
        shape = {"n_features": int(model.centre.shape[0]),
                 "hidden": int(model.net[0].out_features)}
        with tempfile.TemporaryDirectory() as scratch:
            torch.save(model.state_dict(), Path(scratch) / "state_dict.pt")
            (Path(scratch) / "scorer.json").write_text(json.dumps(shape))
            self.client.log_artifacts(run_id, scratch, "model")
        self.client.set_terminated(run_id)
        version = self.client.create_model_version(
            self.name, source=f"{run.info.artifact_uri}/model", run_id=run_id,
            tags={f"trained_on_{n}": uri for n, uri in enumerate(trained_on)})
        return int(version.version)

    def holder(self, alias: str = "champion") -> int | None:
        """The version the alias points to, or None."""
        aliases = self.client.get_registered_model(self.name).aliases
        return int(aliases[alias]) if alias in aliases else None

    def _history(self, alias: str) -> list[int]:
        tags = self.client.get_registered_model(self.name).tags
        return json.loads(tags.get(f"alias_history_{alias}", "[]"))

    def promote(self, version: int, alias: str = "champion") -> None:
        """Point the alias at `version`, remembering the version it pointed to."""
        history = self._history(alias) + [int(version)]
        self.client.set_registered_model_alias(self.name, alias, str(version))
        self.client.set_registered_model_tag(self.name, f"alias_history_{alias}",
                                             json.dumps(history))

    def rollback(self, alias: str = "champion") -> int:
        """Move the alias back to the version it held before the last promotion."""
        history = self._history(alias)
        if len(history) < 2:
            raise ValueError(f"{alias!r} has no earlier version to roll back to")
        history.pop()
        self.client.set_registered_model_alias(self.name, alias, str(history[-1]))
        self.client.set_registered_model_tag(self.name, f"alias_history_{alias}",
                                             json.dumps(history))
        return history[-1]

    def load(self, alias_or_version: str | int = "champion") -> Scorer:
        """The scorer of a version, given by number or by alias."""
        if isinstance(alias_or_version, str):
            found = self.client.get_model_version_by_alias(self.name, alias_or_version)
        else:
            found = self.client.get_model_version(self.name, str(alias_or_version))
        with tempfile.TemporaryDirectory() as scratch:
            folder = Path(self.client.download_artifacts(found.run_id, "model", scratch))
            shape = json.loads((folder / "scorer.json").read_text())
            model = Scorer(shape["n_features"], shape["hidden"])
            model.load_state_dict(torch.load(folder / "state_dict.pt", weights_only=True))
        return model.eval()

    def versions(self) -> list[dict]:
        """Every version with its aliases, metrics and training data, oldest first."""
        found = self.client.search_model_versions(f"name = '{self.name}'")
        aliases = self.client.get_registered_model(self.name).aliases
        rows = []
        for v in sorted(found, key=lambda v: int(v.version)):
            rows.append({
                "version": int(v.version),
                "aliases": sorted(a for a, n in aliases.items() if n == v.version),
                "metrics": self.client.get_run(v.run_id).data.metrics,
                "trained_on": [v.tags[k] for k in sorted(v.tags) if k.startswith("trained_on_")],
            })
        return rows
