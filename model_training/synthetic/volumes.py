"""Row counts of the full Kaggle tables, which set how many side-table rows each synthetic applicant gets.

The development sample holds only partial histories (see its README), so volumes come from the complete
Kaggle files instead: 307,511 labelled and 48,744 test applicants.
"""

KAGGLE_APPLICANTS = 307_511 + 48_744
#: application_test applicants per labelled applicant (48,744 / 307,511, "about one in six").
PRODUCTION_RATIO = 48_744 / 307_511

KAGGLE_ROWS = {
    "bureau": 1_716_428,
    "bureau_balance": 27_299_925,
    "previous_application": 1_670_214,
    "POS_CASH_balance": 10_001_358,
    "installments_payments": 13_605_401,
    "credit_card_balance": 3_840_312,
}
#: Share of applicants with at least one row in each side table.
KAGGLE_COVERAGE = {
    "bureau": 0.86,
    "previous_application": 0.95,
    "POS_CASH_balance": 0.94,
    "installments_payments": 0.95,
    "credit_card_balance": 0.29,
}


def rows_per_applicant(table: str) -> float:
    return KAGGLE_ROWS[table] / KAGGLE_APPLICANTS
