"""Course building from units, nbgrader integration, the notebook gate, grading helpers."""
