"""Features: one function per Kaggle table, each giving one row per client (SK_ID_CURR), then joined.

The table functions are pure functions of polars DataFrames (no I/O); ``build_features`` reads a folder,
applies them one table at a time and joins them onto the applicants. ``application_features`` is also the
serving code path for a single client. The data's quirks (365243 sentinels, XNA/XAP) are applied from
``model_training.quirks``.

Every feature is Float32, and a client without rows in a side table has missing values there (counts
included): the model sees "no history", not a zero history.

Naming grammar (names use only ``A-Z``, ``0-9`` and ``_``, so they are safe for LightGBM and MLflow)::

    <KAGGLE_COLUMN>                          an application column kept as it is (text columns as codes)
    APP_<QUANTITY>                           a quantity computed from the application row
    <TABLE>[_<SUBSET>]_COUNT                 number of the client's rows (in the subset)
    <TABLE>[_<SUBSET>]_SHARE                 fraction of the client's rows that are in the subset
    <TABLE>[_<SUBSET>]_<QUANTITY>_<STAT>     a statistic of a quantity over the client's rows (in the subset)

* TABLE: ``BUREAU`` (bureau), ``BUREAU_BAL`` (bureau_balance, first per credit then per client), ``PREV``
  (previous_application), ``POS`` (POS_CASH_balance), ``INST`` (installments_payments), ``CC``
  (credit_card_balance).
* SUBSET: ``ACTIVE`` / ``CLOSED`` (bureau CREDIT_ACTIVE); ``APPROVED`` / ``REFUSED`` / ``CANCELED`` /
  ``UNUSED_OFFER`` (NAME_CONTRACT_STATUS); ``ONGOING`` (approved credit not yet at its last due date);
  ``LAST_12M`` / ``LAST_365D`` (recent months / days before the application); subsets may stack
  (``PREV_LAST_365D_REFUSED_COUNT``).
* QUANTITY: a Kaggle column of the table (``AMT_CREDIT_SUM``) or a derived quantity named in the table's
  module (``DEBT_CREDIT_RATIO``, ``PAYMENT_RATIO``, ``DPD``...). A condition (``LATE``, ``DPD``,
  ``CREDIT_TYPE_CARD``, ``CASH_LOAN``...) takes COUNT (rows where it holds) or SHARE (their fraction).
* STAT: ``COUNT``, ``SHARE``, ``SUM``, ``MEAN``, ``MIN``, ``MAX``, ``STD``, and ``TOTAL`` for a ratio
  computed on the client's sums (total debt / total credit) rather than averaged over rows.

So ``BUREAU_ACTIVE_AMT_CREDIT_SUM_MEAN`` reads "bureau, active credits: credit amount, mean", and a human
label is the table's label + the subset's + the quantity's + the statistic's.
"""

from model_training.features.application import (
    CATEGORICAL_FEATURES,
    application_columns,
    application_features,
)
from model_training.features.build import (
    FeatureTables,
    build_features,
    feature_matrix,
    read_feature_table,
    write_feature_table,
)
from model_training.features.bureau import (
    bureau_balance_by_credit,
    bureau_client_features,
    bureau_features,
)
from model_training.features.credit_card import credit_card_features
from model_training.features.installments import installments_features
from model_training.features.pos_cash import pos_cash_features
from model_training.features.previous import previous_application_features

__all__ = [
    "CATEGORICAL_FEATURES",
    "FeatureTables",
    "application_columns",
    "application_features",
    "build_features",
    "bureau_balance_by_credit",
    "bureau_client_features",
    "bureau_features",
    "credit_card_features",
    "feature_matrix",
    "installments_features",
    "pos_cash_features",
    "previous_application_features",
    "read_feature_table",
    "write_feature_table",
]
