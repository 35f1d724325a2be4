"""Synthetic Home Credit data: the seven Kaggle tables and the column descriptions, for any number of clients.

The files have the Kaggle names, columns, kinds and categorical levels, marginals calibrated on the real
development sample (`calibration.py`), consistent keys across tables, a default rate near 8% that a model can
learn only in part, and production applicants (application_test) that drift on purpose in `DRIFTED_COLUMNS`.
`write_synthetic(..., batches=K)` adds K monthly folders of new applicants that drift a little more each month
(`batches.py`), for the batch scoring and the drift monitoring. Used for the demo (`make run`), the tests and
the full-scale benchmarks, so that no real data is needed.
"""

from model_training.synthetic.applicants import DRIFTED_COLUMNS
from model_training.synthetic.batches import BATCH_DRIFTED_COLUMNS, FIRST_MONTH
from model_training.synthetic.calibration import calibrate, write_calibration
from model_training.synthetic.descriptions import column_descriptions
from model_training.synthetic.writer import write_synthetic

__all__ = [
    "BATCH_DRIFTED_COLUMNS",
    "DRIFTED_COLUMNS",
    "FIRST_MONTH",
    "calibrate",
    "column_descriptions",
    "write_calibration",
    "write_synthetic",
]
