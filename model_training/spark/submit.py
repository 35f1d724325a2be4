"""The `spark-score` command for spark-submit, which runs a Python file rather than a module:
`spark-submit --master yarn ... model_training/spark/submit.py --data URL --artifacts DIR --out URL`.
The master and the cluster's settings are spark-submit's."""

import sys

from model_training.__main__ import main

if __name__ == "__main__":
    sys.exit(main(["spark-score", *sys.argv[1:]]))
