"""The MLflow registry round-trips versions with metrics and training data, and rolls back."""

import numpy as np
import pytest

from cloud_loop.scorer import scores, train_scorer

pytest.importorskip("mlflow", reason="the `cloud` extra (mlflow-skinny) is not installed")

from cloud_loop.registry import Registry  # noqa: E402


def _data(seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(200, 4))
    return x, (x[:, 0] + 0.5 * x[:, 1] > 0).astype(int)


def test_register_promote_rollback_and_load(tmp_path, monkeypatch):
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    x, y = _data(0)
    v1_model = train_scorer(x, y, seed=0, epochs=100)
    v2_model = train_scorer(x[:, ::-1].copy(), y, seed=1, epochs=100)  # another model
    registry = Registry(tmp_path / "registry", name="scorer-under-test")
    assert registry.uri.startswith("sqlite:///")
    v1 = registry.register(v1_model, {"escape_rate": 0.04, "false_reject_rate": 0.1,
                                      "auroc": 0.97}, trained_on=["sim://line?seed=1"],
                           params={"epochs": 100})
    v2 = registry.register(v2_model, {"escape_rate": 0.03, "false_reject_rate": 0.12,
                                      "auroc": 0.98}, trained_on=["sim://line?seed=1",
                                                                  "sim://line?seed=2"])
    assert (v1, v2) == (1, 2)
    registry.promote(v1)
    registry.promote(v2)
    assert registry.holder("champion") == 2
    np.testing.assert_array_equal(scores(registry.load("champion"), x), scores(v2_model, x))

    assert registry.rollback() == 1
    assert registry.holder("champion") == 1
    np.testing.assert_array_equal(scores(registry.load("champion"), x), scores(v1_model, x))
    assert not np.array_equal(scores(v1_model, x), scores(v2_model, x))
    with pytest.raises(ValueError):
        registry.rollback()

    rows = registry.versions()
    assert [r["version"] for r in rows] == [1, 2]
    assert rows[0]["aliases"] == ["champion"] and rows[1]["aliases"] == []
    assert rows[0]["metrics"]["escape_rate"] == pytest.approx(0.04)
    assert rows[1]["trained_on"] == ["sim://line?seed=1", "sim://line?seed=2"]

    # a second client on the same SQLite file sees the same registry (no server)
    again = Registry(tmp_path / "registry", name="scorer-under-test")
    assert again.holder("champion") == 1


def test_telemetry_is_off_before_mlflow_is_used(tmp_path):
    import os

    Registry(tmp_path / "r")
    assert os.environ["MLFLOW_DISABLE_TELEMETRY"] == "true"
    assert os.environ["DO_NOT_TRACK"] == "true"
