"""Every applicant's features on Spark, computed by the single-process polars functions partition by
partition, so that they are the very values `score` computes.

How a client's rows meet: every side table is hash-partitioned on SK_ID_CURR into the same N partitions
(`repartition(N, SK_ID_CURR)`: Spark's Murmur3 hash, pmod N), so that all of a client's rows of a table are
in one partition, and the table's feature function runs once per partition on all of them
(`mapInArrow`). A client's statistics only ever read that client's rows (no feature depends on other
clients), so a partition's result is exactly its clients' rows of the whole-table result. Inside the
partition the rows are put back in file order first, because float sums depend on the order.

Why `mapInArrow` after a repartition rather than `groupBy(SK_ID_CURR).applyInArrow`: grouping by client
calls Python once per client (millions of polars calls of a few rows), and grouping by a bucket makes Spark
sort every row of the table by the bucket before handing it over; a repartition is one shuffle with no sort,
and the partition arrives as Arrow batches that polars takes without a copy.

bureau_balance has no SK_ID_CURR. Its per-credit figures (`bureau_balance_by_credit`) need all of a credit's
months, so it is partitioned on SK_ID_BUREAU and reduced to one row per credit first (27M rows become 1.7M
at Kaggle scale), then those rows take their client from bureau by a join on SK_ID_BUREAU, and the bureau
rows and the per-credit rows of the same clients meet in one call of `bureau_client_features` through a
cogroup on the client's hash bucket (`cogroup(...).applyInArrow`: two inputs per group; the sort it needs
is over those 3.4M small rows only). Joining the 27M monthly rows to bureau before reducing them would
shuffle them twice.

Each side table's client features travel as one list column (Spark's row format costs per column: 2
columns instead of up to 89); the five tables' rows are joined together on SK_ID_CURR, then each applicant's
application row is joined (left) with them once, and `assembled_features` unpacks the lists and builds the
feature rows with `application_features` and `with_side_features`, the functions the `score` command calls.
Only applicants of application_test count: side-table rows of other clients (and the months of other
clients' credits) are left out by broadcast semi-joins before any shuffle, as `score` leaves them out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import polars as pl
import pyarrow as pa

from model_training.data import polars_schema
from model_training.errors import InputError
from model_training.features.application import application_columns, application_features
from model_training.features.build import SIDE_TABLE_FEATURES, with_side_features
from model_training.features.bureau import (
    BUREAU_BALANCE_COLUMNS,
    BUREAU_COLUMNS,
    CREDIT_ID,
    bureau_balance_by_credit,
    bureau_client_features,
)
from model_training.schema import CLIENT_ID
from model_training.spark.tables import (
    ROW_POSITION,
    arrow_schema,
    partition_frame,
    read_table,
    spark_schema,
    table_files,
    to_batches,
    typed_frame,
    typed_partition,
)

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

APPLICATION_TABLE = "application_test"
_BUCKET = "__client_bucket"


def _one_row(table: str, columns: Sequence[str]) -> pl.DataFrame:
    """One row of keys 0 and missing values: what a feature function is called on to learn its output's
    columns (a function need not accept an empty frame)."""
    schema = polars_schema(table)
    row = {c: 0 if c.startswith("SK_ID_") else None for c in columns}
    return pl.DataFrame([row], schema={c: schema[c] for c in columns})


@dataclass(frozen=True)
class SideTable:
    """A side table reduced per client by one function: its feature columns (in the function's order)."""

    name: str
    columns: tuple[str, ...]
    function: Callable[[pl.DataFrame], pl.DataFrame]

    def feature_schema(self) -> pl.Schema:
        return self.function(_one_row(self.name, self.columns)).schema


def _by_credit_schema() -> pl.Schema:
    return bureau_balance_by_credit(_one_row("bureau_balance", BUREAU_BALANCE_COLUMNS)).schema


def _bureau_feature_schema() -> pl.Schema:
    by_credit = bureau_balance_by_credit(_one_row("bureau_balance", BUREAU_BALANCE_COLUMNS))
    return bureau_client_features(_one_row("bureau", BUREAU_COLUMNS), by_credit).schema


def packed_name(table: str) -> str:
    """The column holding a side table's features of a client as one array (in the function's order)."""
    return f"__{table}_features"


def _packed_schema(table: str) -> pl.Schema:
    return pl.Schema({CLIENT_ID: pl.Int32(), packed_name(table): pl.List(pl.Float32())})


def _packed(features: pl.DataFrame, table: str) -> pa.Table:
    """SK_ID_CURR and the features as one list per client, as Spark takes it: Spark moves and joins 2
    columns instead of up to 89 (its row format costs per column; missing values stay missing in the list)."""
    columns = [c for c in features.columns if c != CLIENT_ID]
    rows = features.select(
        pl.col(CLIENT_ID).cast(pl.Int32),
        pl.concat_list(pl.col(columns).cast(pl.Float32)).alias(packed_name(table)),
    )
    return rows.to_arrow().cast(arrow_schema(_packed_schema(table)))


def _features_of(table: SideTable) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """The partition function of a side table: its rows in, its clients' packed features out."""

    def features(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        rows = typed_partition(batches, table.name)
        if rows is not None:
            yield from _packed(table.function(rows), table.name).to_batches(max_chunksize=65_536)

    return features


def _credit_months(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    """bureau_balance rows (all months of each credit of the partition) → one row per credit."""
    rows = typed_partition(batches, "bureau_balance")
    if rows is not None:
        yield from bureau_balance_by_credit(rows).to_arrow().to_batches()


def _bureau_of_clients(bureau: pa.Table, by_credit: pa.Table) -> pa.Table:
    """One bucket's bureau rows and per-credit rows → its clients' packed bureau features."""
    if bureau.num_rows == 0:
        return arrow_schema(_packed_schema("bureau")).empty_table()
    rows = typed_frame(pl.DataFrame(bureau).drop(_BUCKET), "bureau")
    credits = pl.DataFrame(by_credit).drop(_BUCKET, CLIENT_ID).sort(CREDIT_ID)
    return _packed(bureau_client_features(rows, credits), "bureau")


#: Each side table's packed column and its feature columns, in the order `side_features` gives them.
SideColumns = Sequence[tuple[str, Sequence[str]]]


@dataclass
class PortfolioFeatures:
    """The applicants' rows joined with each side table's packed client features (`assembled_features`
    turns a partition of `joined` into feature rows), and what each packed column holds."""

    joined: DataFrame
    side_columns: list[tuple[str, list[str]]]

    def feature_frame(self) -> DataFrame:
        """Every applicant's features, as `with_side_features` gives them (SK_ID_CURR first)."""
        schema = feature_schema(self.side_columns)
        side_columns = self.side_columns

        def features(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
            partition = partition_frame(batches)
            if partition is not None:
                _, rows = assembled_features(partition, side_columns)
                yield from to_batches(rows, arrow_schema(schema))

        return self.joined.mapInArrow(features, spark_schema(schema))


def feature_schema(side_columns: SideColumns) -> pl.Schema:
    applicants = application_features(_one_row(APPLICATION_TABLE, application_columns(APPLICATION_TABLE)))
    return pl.Schema({**applicants.schema, **{c: pl.Float32() for _, cs in side_columns for c in cs}})


def assembled_features(
    partition: pl.DataFrame, side_columns: SideColumns
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(the applications as the loader types them, their feature rows), in file order, from a partition of
    `PortfolioFeatures.joined`: `application_features` then `with_side_features`, as the `score` command."""
    raw = list(polars_schema(APPLICATION_TABLE))
    applications = typed_frame(partition.select(*raw, ROW_POSITION), APPLICATION_TABLE)
    applicants = application_features(applications.select(application_columns(APPLICATION_TABLE)))
    side = [
        partition.select(
            CLIENT_ID, *(pl.col(packed).list.get(i, null_on_oob=True).alias(c) for i, c in enumerate(columns))
        )
        for packed, columns in side_columns
    ]
    return applications, with_side_features(applicants, side)


def portfolio_features(spark: SparkSession, folder: str, partitions: int) -> PortfolioFeatures:
    """The applicants of `folder`'s application_test joined with their side-table features (see the module's
    docstring); InputError when application_test is missing."""
    from pyspark.sql import functions as F

    files = table_files(spark, folder)
    if APPLICATION_TABLE not in files:
        raise InputError(
            f"{folder}: missing table {APPLICATION_TABLE}: expected a file named {APPLICATION_TABLE}.csv.gz "
            f"or {APPLICATION_TABLE}.csv"
        )
    applications = read_table(spark, files[APPLICATION_TABLE], APPLICATION_TABLE)
    clients = F.broadcast(applications.select(CLIENT_ID))

    def ours(table: str, columns: Sequence[str]) -> DataFrame:
        return read_table(spark, files[table], table, columns).join(clients, CLIENT_ID, "left_semi")

    def absent(table: str) -> DataFrame:
        return spark.createDataFrame([], spark_schema(_packed_schema(table)))

    side: list[DataFrame] = []
    side_columns = [("bureau", [c for c in _bureau_feature_schema() if c != CLIENT_ID])]
    if "bureau" in files:
        bureau = ours("bureau", BUREAU_COLUMNS)
        if "bureau_balance" in files:
            months = read_table(spark, files["bureau_balance"], "bureau_balance", BUREAU_BALANCE_COLUMNS)
            # only the months of our applicants' credits are shuffled (a lender's bureau extract covers
            # many more clients than the batch)
            months = months.join(F.broadcast(bureau.select(CREDIT_ID)), CREDIT_ID, "left_semi")
            by_credit = months.repartition(partitions, CREDIT_ID).mapInArrow(
                _credit_months, spark_schema(_by_credit_schema())
            )
        else:
            by_credit = spark.createDataFrame([], spark_schema(_by_credit_schema()))
        # the owner under a new name first: the same bureau rows on both sides of the cogroup would be an
        # ambiguous self-join for Spark
        owners = bureau.select(CREDIT_ID, F.col(CLIENT_ID).alias("__owner"))
        owned = by_credit.join(owners, CREDIT_ID, "inner").withColumnRenamed("__owner", CLIENT_ID)
        bucket = F.pmod(F.hash(CLIENT_ID), F.lit(partitions)).alias(_BUCKET)
        side.append(
            bureau.select("*", bucket)
            .groupBy(_BUCKET)
            .cogroup(owned.select("*", bucket).groupBy(_BUCKET))
            .applyInArrow(_bureau_of_clients, spark_schema(_packed_schema("bureau")))
        )
    else:
        side.append(absent("bureau"))
    for name, (columns, function) in SIDE_TABLE_FEATURES.items():
        table = SideTable(name, tuple(columns), function)
        side_columns.append((name, [c for c in table.feature_schema() if c != CLIENT_ID]))
        if name in files:
            rows = ours(name, columns).repartition(partitions, CLIENT_ID)
            side.append(rows.mapInArrow(_features_of(table), spark_schema(_packed_schema(name))))
        else:
            side.append(absent(name))

    # the side tables' narrow rows joined together first, so that the wide application rows take part in
    # one join only
    histories = side[0]
    for frame in side[1:]:
        histories = histories.join(frame, CLIENT_ID, "full_outer")
    joined = applications.join(histories, CLIENT_ID, "left")
    return PortfolioFeatures(joined, [(packed_name(name), columns) for name, columns in side_columns])
