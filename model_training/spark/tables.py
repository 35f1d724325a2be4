"""The Kaggle tables read by Spark with the loader's types, and turned back into the loader's polars frames
inside a partition.

Spark parses the CSV (gzip or plain) with an explicit schema in the file's own column order: floats as
FloatType (Java's correctly rounded float parse, as pyarrow's), keys (SK_ID_*) as IntegerType, other whole
numbers as DoubleType (so that `3.0`, as pandas writes a column with missing values, reads as the loader
reads it) and text as strings. `typed_partition` then casts each column to `data.polars_schema`'s dtype
(Int8/16/32, Float32, Enum of the Kaggle levels, unknown levels missing) and puts the rows back in file
order, so that a feature function sees the partition's rows exactly as the single-process loader gives
them, in the same order (sums of floats depend on it).
"""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
import pyarrow as pa

from model_training.data import polars_schema
from model_training.errors import InputError
from model_training.schema import DESCRIPTIONS_TABLE, TABLES

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession
    from pyspark.sql.types import StructType

#: The position of a row in its file (Spark's monotonically increasing id of the read), dropped once the
#: rows of a partition are back in file order.
ROW_POSITION = "__file_row"


def hadoop_path(spark: SparkSession, location: str) -> tuple[Any, Any]:
    """(Hadoop FileSystem, Path) of a local path or a URL (hdfs://, s3a://, file://)."""
    jvm = spark.sparkContext._jvm
    assert jvm is not None
    path = jvm.org.apache.hadoop.fs.Path(location)
    return path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration()), path


def table_files(spark: SparkSession, folder: str) -> dict[str, str]:
    """The Kaggle files of a folder by table (`<table>.csv.gz`, else `<table>.csv`, any letter case), as
    Spark will read them; InputError when the folder does not exist."""
    fs, path = hadoop_path(spark, folder)
    if not fs.exists(path) or not fs.getFileStatus(path).isDirectory():
        raise InputError(f"data folder {folder} does not exist or is not a folder")
    by_name = {
        status.getPath().getName().lower(): status.getPath().toString()
        for status in fs.listStatus(path)
        if status.isFile()
    }
    files = {}
    for table in (*TABLES, DESCRIPTIONS_TABLE):
        for name in (f"{table}.csv.gz", f"{table}.csv"):
            if name.lower() in by_name:
                files[table] = by_name[name.lower()]
                break
    return files


def write_text(spark: SparkSession, location: str, text: str) -> None:
    """A small text file written where Spark writes (a local folder or a cluster's file system)."""
    fs, path = hadoop_path(spark, location)
    stream = fs.create(path, True)
    try:
        stream.write(bytearray(text.encode()))
    finally:
        stream.close()


def _spark_type(name: str, dtype: pl.DataType) -> Any:
    from pyspark.sql import types as T

    if isinstance(dtype, pl.Enum):
        return T.StringType()
    if isinstance(dtype, pl.Float32):
        return T.FloatType()
    return T.IntegerType() if name.startswith("SK_ID_") else T.DoubleType()


def _header(spark: SparkSession, file: str) -> list[str]:
    """The file's column names: read directly when the file is local (a Spark job otherwise)."""
    if file.startswith("file:"):
        path = Path(file.removeprefix("file:"))
        with gzip.open(path, "rt") if path.name.lower().endswith(".gz") else path.open() as stream:
            line = stream.readline().removeprefix("\ufeff")
        return next(csv.reader([line])) if line.strip() else []
    return spark.read.option("header", True).csv(file).columns


def read_table(spark: SparkSession, file: str, table: str, columns: Sequence[str] | None = None) -> DataFrame:
    """The table's `columns` (default all) and ROW_POSITION, typed for `typed_partition`; InputError naming
    the file and the columns when some are missing."""
    from pyspark.sql import functions as F
    from pyspark.sql import types as T

    schema = polars_schema(table)
    wanted = list(schema) if columns is None else list(columns)
    header = _header(spark, file)
    missing = [name for name in wanted if name not in header]
    if missing:
        name = file.rsplit("/", 1)[-1]
        raise InputError(f"{name}: missing column{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    # Spark applies a given schema by position: one field per column of the file, unknown ones as text
    fields, seen = [], set()
    for position, name in enumerate(header):
        if name in wanted and name not in seen:
            fields.append(T.StructField(name, _spark_type(name, schema[name])))
            seen.add(name)
        else:
            fields.append(T.StructField(f"__unused_{position}", T.StringType()))
    frame = (
        spark.read.schema(T.StructType(fields))
        .option("header", True)
        .option("mode", "FAILFAST")
        .option("escape", '"')
        .csv(file)
    )
    return frame.select(*wanted, F.monotonically_increasing_id().alias(ROW_POSITION))


def partition_frame(batches: Iterator[pa.RecordBatch]) -> pl.DataFrame | None:
    """A partition's Arrow batches as one polars frame (None when the partition is empty)."""
    received = list(batches)
    if not received or not sum(b.num_rows for b in received):
        return None
    frame = pl.from_arrow(pa.Table.from_batches(received))
    assert isinstance(frame, pl.DataFrame)
    return frame


def typed_partition(batches: Iterator[pa.RecordBatch], table: str) -> pl.DataFrame | None:
    """A partition's rows of one table as the loader types them, in file order (None when empty)."""
    frame = partition_frame(batches)
    return None if frame is None else typed_frame(frame, table)


def typed_frame(frame: pl.DataFrame, table: str) -> pl.DataFrame:
    """Spark's columns of one table (see `read_table`) with the loader's dtypes, in file order; NaN read from
    text is missing, as the loader's `NaN` is."""
    schema = polars_schema(table)
    casts = []
    for name in frame.columns:
        if name not in schema:
            continue
        dtype = schema[name]
        if isinstance(dtype, pl.Float32):
            casts.append(pl.col(name).cast(pl.Float32).fill_nan(None))
        elif isinstance(dtype, pl.Enum):
            casts.append(pl.col(name).cast(pl.String).cast(dtype, strict=False))
        else:
            casts.append(pl.col(name).cast(dtype))
    if ROW_POSITION in frame.columns:
        frame = frame.sort(ROW_POSITION, maintain_order=True).drop(ROW_POSITION)
    return frame.with_columns(casts)


def spark_schema(schema: pl.Schema | dict[str, pl.DataType]) -> StructType:
    """The Spark schema of a polars schema (through Arrow, as mapInArrow exchanges it)."""
    from pyspark.sql.pandas.types import from_arrow_schema

    arrow = pl.DataFrame(schema=schema).to_arrow().schema
    return from_arrow_schema(arrow)


def arrow_schema(schema: pl.Schema | dict[str, pl.DataType]) -> pa.Schema:
    """The Arrow schema Spark exchanges for a polars schema (list, not large_list; string, not large)."""
    from pyspark.sql.pandas.types import to_arrow_schema

    return to_arrow_schema(spark_schema(schema))


def to_batches(frame: pl.DataFrame, schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """A polars frame as Arrow batches of the declared output schema (Spark wants its exact types)."""
    yield from frame.to_arrow().cast(schema).to_batches(max_chunksize=65_536)
