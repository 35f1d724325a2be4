"""Monthly batches of new applicants: what the lender receives after the model went live.

`synth --batches K` writes, after the training and production tables, K folders `batches/<YYYY-MM>/`, one per
month from `first_month`, and what became of their applicants as far as it is known by the demo's "today", in
`outcomes/<YYYY-MM>.csv` (`outcomes.py`). Each batch is a Kaggle-named folder (application_test and the six
side tables, no application_train) of applicants nobody has seen: their SK_ID_CURR follow the last id of the
main tables and each month's follow the month before; their bureau credits and previous applications are
numbered after the main tables' too, so every key is new. A month holds `BATCH_RATIO` of the labelled clients
(200 for the 6,000 of the demo, about 10,000 at the full Kaggle scale).

The Kaggle tables carry no application date: every DAYS_* and MONTHS_BALANCE counts back from the day of the
application, so the tables stay exactly in the Kaggle schema and the month is the folder's name.

The months drift more each month, so that drift monitoring has a story to tell: the first month looks like
application_test (amounts up 20%, applicants younger), and each later month asks for `AMOUNT_STEP` more
(income, goods price, credit, annuity), brings applicants whose age above 20 is `AGE_STEP` shorter, and
applicants whose external scores (EXT_SOURCE_1..3) rank lower (`SCORE_STEP` more each month, see
`Drift.external_scores`) and read them less well (`NOISE_STEP` more of their variance is noise). The
applicants' true risk hardly moves, so the model, which reads the scores, sees more risk than there is and
ranks it a little less well: with the demo's model (`make run`) on 2,000 applicants a month, the score's PSI
against the out-of-fold scores grows from 0.01 in the first month to 0.10 in the sixth, ROC AUC falls from
0.82 to 0.75 and approvals from 77% to 69%; on the demo's 200 a month, noisier, the PSI reaches 0.16 and 0.25
in the fifth and sixth months. The drift is the same for every seed; the applicants themselves, like
everything else, are drawn from the seed (one stream per month and chunk), so a seed always writes the same
bytes.
"""

from __future__ import annotations

import datetime as dt
import re

from model_training.errors import InputError
from model_training.synthetic.applicants import AGE_DRIFT, AMOUNT_DRIFT, DRIFTED_COLUMNS, Drift

#: New applicants per month per labelled client: 1 in 30 (200 a month for the demo's 6,000 clients).
BATCH_RATIO = 1 / 30
FIRST_MONTH = "2026-01"
#: Eight months at most: by the eighth, amounts are up 48% on training, the median external score is the
#: 30th centile of training's and 84% noise; beyond that the drift would be absurd. With the default first
#: month, the eighth month's outcomes are known by 2026-12-01.
MAX_BATCHES = 8
AMOUNT_STEP = 0.03
AGE_STEP = 0.03
SCORE_STEP = 0.06
NOISE_STEP = 0.12
#: Columns the batches move on purpose: application_test's, plus the external scores from the second month.
BATCH_DRIFTED_COLUMNS: tuple[str, ...] = (*DRIFTED_COLUMNS, "EXT_SOURCE_1", "EXT_SOURCE_2", "EXT_SOURCE_3")
#: Second word of the batches' seed sequences, so that no month shares a random stream with the main tables
#: (whose second word is a chunk index).
BATCH_STREAM = 0xBA7C4
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def month_drift(index: int) -> Drift:
    """The drift of the month `index` (0 = the first batch, like application_test)."""
    return Drift(
        amounts=AMOUNT_DRIFT * (1 + AMOUNT_STEP) ** index,
        age=AGE_DRIFT * (1 - AGE_STEP) ** index,
        external_scores=SCORE_STEP * index,
        external_noise=NOISE_STEP * index,
    )


def batch_size(clients: int) -> int:
    """New applicants in each month for `clients` labelled ones."""
    return max(1, round(clients * BATCH_RATIO))


def batch_months(first_month: str, batches: int) -> list[str]:
    """`batches` consecutive month names (YYYY-MM) from `first_month`; InputError on a malformed request."""
    if isinstance(batches, bool) or not isinstance(batches, int) or not 0 <= batches <= MAX_BATCHES:
        raise InputError(f"batches must be a whole number from 0 to {MAX_BATCHES}, got {batches!r}")
    match = _MONTH.fullmatch(first_month) if isinstance(first_month, str) else None
    if match is None or not 1 <= int(match[2]) <= 12 or int(match[1]) < 1:
        raise InputError(f"first month must be written YYYY-MM (e.g. {FIRST_MONTH}), got {first_month!r}")
    start = dt.date(int(match[1]), int(match[2]), 1)
    months = []
    for offset in range(batches):
        year, month = divmod(start.month - 1 + offset, 12)
        months.append(f"{start.year + year:04d}-{month + 1:02d}")
    return months
