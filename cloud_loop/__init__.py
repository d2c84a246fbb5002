"""The cloud loop of the inspection line: drift tests, label selection, retraining, the registry.

One idea per module: `line` cuts labelled patches from a line of covers, `features` describes a
patch by a few numbers, `scorer` is the small defect scorer and its metrics, `drift` the
two-sample tests and their multiple-testing corrections, `sampling` which patches to label, and
`registry` an MLflow model registry kept in a local SQLite file (imported only when used: MLflow
is the optional `cloud` extra).
"""
