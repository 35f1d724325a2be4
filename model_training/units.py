"""Units of time in the Kaggle tables, in one place for training and serving.

Kaggle counts time in days relative to the application (negative: before it). People read ages and
seniorities in years, so the features (``APP_AGE_YEARS``), the exported client tables, the app's checks and
its wording all convert with these numbers, and a year is the same length everywhere. What a raw value
*means* (the 365243 "no date" sentinel) is a quirk of the data, not a unit: see ``quirks.py``.
"""

from __future__ import annotations

#: Days in a year on average (leap years included).
DAYS_PER_YEAR = 365.25
#: Days in a month on average: a twelfth of a year.
DAYS_PER_MONTH = DAYS_PER_YEAR / 12
