"""Spark: features and scores of a portfolio that outgrows one machine, by the single-process code.

`session` starts Spark (Java and pyspark checked first, one clear line when missing), `tables` reads the
Kaggle files with the loader's types, `features` computes every client's features with the very polars
functions of `model_training.features` partition by partition, `scoring` scores them with the exported model
through `Scorer` and writes Parquet, and `scores_file` reads that Parquet back and loads it into the
applications store (no Spark needed for that step).
"""
