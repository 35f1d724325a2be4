"""The "Nouvelle demande" form's fields: what each one fills in the credit file, how typed text becomes the
file's Kaggle fields (ages and durations in years, amounts in euros), and how a refused file's messages
(`CreditFileError`, English, by path) find their field again, in the page's language. Kept apart from the
page so that it is testable without Dash, as the what-if page's fields are."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache
from typing import Literal, NamedTuple

from app import formatting as fmt
from app.i18n import t
from app.validation import DAYS_EMPLOYED_NOT_WORKING, FieldErrors, field_bounds, validate_application
from app.vocabulary import application_column_label, level_label
from components.widgets import parse_number
from model_training import schema
from model_training.credit_file import MAX_RECORDS, REQUIRED_APPLICATION_FIELDS, CreditFileError
from model_training.units import DAYS_PER_YEAR

Kind = Literal["id", "amount", "years", "years_ago", "count", "number", "share", "choice"]
APPLICATION = "application"
#: The side tables the form takes records of, in the order it shows them.
RECORD_TABLES = ("bureau", "previous_application")
_TABLE_OF = {
    APPLICATION: "application_test",
    "bureau": "bureau",
    "previous_application": "previous_application",
}


class FormField(NamedTuple):
    """One field of the form: the Kaggle column it fills, in which table, and how it is typed."""

    column: str
    kind: Kind
    table: str = APPLICATION

    @property
    def input_id(self) -> str:
        """The id of an application field's input (side records use pattern-matching ids)."""
        return "new-application-" + self.column.lower().replace("_", "-")

    @property
    def required(self) -> bool:
        return self.table == APPLICATION and self.column in REQUIRED_APPLICATION_FIELDS

    @property
    def decimals(self) -> int:
        return {"share": 3, "years": 1, "years_ago": 1}.get(self.kind, 0)


#: The application's main fields, in the order an advisor asks for them.
FIELDS: tuple[FormField, ...] = (
    FormField("SK_ID_CURR", "id"),
    FormField("NAME_CONTRACT_TYPE", "choice"),
    FormField("AMT_CREDIT", "amount"),
    FormField("AMT_ANNUITY", "amount"),
    FormField("AMT_GOODS_PRICE", "amount"),
    FormField("AMT_INCOME_TOTAL", "amount"),
    FormField("NAME_INCOME_TYPE", "choice"),
    FormField("OCCUPATION_TYPE", "choice"),
    FormField("DAYS_BIRTH", "years"),
    FormField("DAYS_EMPLOYED", "years"),
    FormField("NAME_EDUCATION_TYPE", "choice"),
    FormField("NAME_FAMILY_STATUS", "choice"),
    FormField("CNT_CHILDREN", "count"),
    FormField("CNT_FAM_MEMBERS", "count"),
    FormField("NAME_HOUSING_TYPE", "choice"),
    FormField("FLAG_OWN_CAR", "choice"),
    FormField("FLAG_OWN_REALTY", "choice"),
    FormField("EXT_SOURCE_1", "share"),
    FormField("EXT_SOURCE_2", "share"),
    FormField("EXT_SOURCE_3", "share"),
)
BY_COLUMN = {f.column: f for f in FIELDS}
#: The few columns of a side record an advisor can read off a bureau report or our own files.
RECORD_FIELDS: dict[str, tuple[FormField, ...]] = {
    "bureau": (
        FormField("CREDIT_ACTIVE", "choice", "bureau"),
        FormField("DAYS_CREDIT", "years_ago", "bureau"),
        FormField("AMT_CREDIT_SUM", "amount", "bureau"),
        FormField("AMT_CREDIT_SUM_DEBT", "amount", "bureau"),
        FormField("AMT_CREDIT_SUM_OVERDUE", "amount", "bureau"),
        FormField("CREDIT_DAY_OVERDUE", "number", "bureau"),
    ),
    "previous_application": (
        FormField("NAME_CONTRACT_STATUS", "choice", "previous_application"),
        FormField("NAME_CONTRACT_TYPE", "choice", "previous_application"),
        FormField("DAYS_DECISION", "years_ago", "previous_application"),
        FormField("AMT_APPLICATION", "amount", "previous_application"),
        FormField("AMT_CREDIT", "amount", "previous_application"),
        FormField("AMT_ANNUITY", "amount", "previous_application"),
        FormField("CNT_PAYMENT", "number", "previous_application"),
    ),
}
#: The records of one table as the form holds them: the form's row number → column → typed value.
Rows = Mapping[int, Mapping[str, object]]
#: A message's place: ("application", None, column) or (table, form row, column); column None: the record.
Place = tuple[str, int | None, str | None]


@cache
def levels(table: str, column: str) -> tuple[str, ...]:
    """The levels a choice field offers: the loader schema's, in its order."""
    return next(c.levels for c in schema.columns(_TABLE_OF[table]) if c.name == column)


def field_label(field: FormField, lang: str) -> str:
    """The field's human name; side-record columns have theirs in the catalogue."""
    if field.table == APPLICATION:
        if field.column == "DAYS_BIRTH":
            return t("new_application.age", lang)
        return application_column_label(field.column, lang) or field.column
    return t(f"new_application.{field.table}.{field.column}", lang)


def field_unit(field: FormField, lang: str) -> str:
    return {
        "amount": t("unit.euros", lang),
        "years": t("unit.years_short", lang),
        "years_ago": t("unit.years_short", lang),
        "share": t("new_application.share_unit", lang),
    }.get(field.kind, "")


def choice_label(level: str, lang: str) -> str:
    """A level in words: the catalogue's words for the side tables' levels, else the vocabulary's."""
    key = f"new_application.level.{level}"
    from app.i18n import CATALOGUE

    return t(key, lang) if key in CATALOGUE[lang] else level_label(level, lang)


# --- typed text → the credit file ------------------------------------------------------------------------


def _page_bounds(field: FormField) -> tuple[float | None, float | None]:
    """The range of a number in the page's units (years for DAYS_*, from the validation's own rules)."""
    if field.kind == "share":
        return 0.0, 1.0
    if field.kind == "years_ago":
        return 0.0, 100.0
    if field.table != APPLICATION or field.kind in ("amount", "number"):
        return None, None
    bounds = field_bounds(field.column)
    if bounds is None:
        return None, None
    if field.kind == "years":  # days before the application, negative: years are their opposite
        low = None if bounds.high is None else -bounds.high / DAYS_PER_YEAR
        high = None if bounds.low is None else -bounds.low / DAYS_PER_YEAR
        return (None if low is None else round(low), None if high is None else round(high))
    return bounds.low, bounds.high


def _empty(text: object) -> bool:
    return str(text if text is not None else "").strip() == ""


def read_value(field: FormField, text: object, lang: str) -> tuple[object, str | None]:
    """One typed value in the file's units (None when left empty), or the message saying why it cannot be."""
    if _empty(text):
        return None, (t("what_if.required", lang) if field.required else None)
    if field.kind == "choice":
        level = str(text)
        if level not in levels(field.table, field.column):
            return None, t(
                "error.unknown_level",
                lang,
                value=repr(level),
                levels=", ".join(levels(field.table, field.column)),
            )
        return level, None
    number = parse_number(text, lang)
    if number is None:
        return None, t("what_if.not_a_number", lang, value=text)
    if field.kind == "amount" and number <= 0 and field.table == APPLICATION:
        return None, t("what_if.must_be_positive", lang)
    if number < 0:
        return None, t("what_if.must_not_be_negative", lang)
    if field.kind in ("id", "count") and not number.is_integer():
        return None, t("new_application.whole", lang)
    low, high = _page_bounds(field)
    if (low is not None and number < low) or (high is not None and number > high):
        return None, t(
            "new_application.between",
            lang,
            low=fmt.number(low, lang, field.decimals if low % 1 else 0),  # type: ignore[operator]
            high=fmt.number(high, lang, field.decimals if high % 1 else 0),  # type: ignore[operator]
        )
    if field.kind in ("years", "years_ago"):
        return -round(number * DAYS_PER_YEAR), None
    if field.kind in ("id", "count") or field.column == "CREDIT_DAY_OVERDUE":
        return int(number), None
    return number, None


def read_application(
    typed: Mapping[str, object], no_job: bool, lang: str
) -> tuple[dict[str, object], dict[str, str]]:
    """The application's fields (Kaggle names, absent when left empty) and a message per refused field;
    under "application", the incomplete application's message naming every required field left empty.

    `no_job`: the applicant has no job (pensioners, students...): Kaggle writes DAYS_EMPLOYED = 365243.
    The rules between fields (an annuity above the credit, a job started before 14) are the validation's.
    """
    fields: dict[str, object] = {}
    errors: dict[str, str] = {}
    for field in FIELDS:
        if field.column == "DAYS_EMPLOYED" and no_job:
            fields[field.column] = DAYS_EMPLOYED_NOT_WORKING
            continue
        value, message = read_value(field, typed.get(field.column), lang)
        if message:
            errors[field.column] = message
        elif value is not None:
            fields[field.column] = value
    missing = [
        f.column for f in FIELDS if f.required and f.column not in fields and _empty(typed.get(f.column))
    ]
    if missing:
        errors[APPLICATION] = incomplete(missing, lang)
    try:
        validate_application({k: v for k, v in fields.items() if k not in errors}, lang)
    except FieldErrors as error:
        for column, message in error.errors.items():
            errors.setdefault(column, message)
    return fields, errors


def read_records(
    table: str, rows: Rows, lang: str
) -> tuple[list[dict[str, object]], list[int], dict[Place, str]]:
    """A side table's records (a row left entirely empty is no record), the form row of each, and the
    messages of the refused values."""
    records: list[dict[str, object]] = []
    numbers: list[int] = []
    errors: dict[Place, str] = {}
    for row in sorted(rows):
        typed = rows[row]
        if all(_empty(v) for v in typed.values()):
            continue
        record: dict[str, object] = {}
        for field in RECORD_FIELDS[table]:
            value, message = read_value(field, typed.get(field.column), lang)
            if message:
                errors[(table, row, field.column)] = message
            elif value is not None:
                record[field.column] = value
        records.append(record)
        numbers.append(row)
    if len(records) > MAX_RECORDS[table]:
        errors[(table, None, None)] = t("new_application.too_many", lang, n=MAX_RECORDS[table])
    return records, numbers, errors


def credit_file(
    application: Mapping[str, object], records: Mapping[str, Sequence[Mapping[str, object]]]
) -> dict[str, object]:
    """The document `ApplicationRepository.submit` takes: the application and the side records under it."""
    return {
        APPLICATION: dict(application),
        **{table: list(records.get(table, ())) for table in RECORD_TABLES},
    }


# --- a refused file's messages, back on their fields -------------------------------------------------------

_PATH = re.compile(r"^(application|bureau|previous_application)(?:\[(\d+)\])?(?:\.([A-Za-z0-9_]+))?")
_ENGLISH: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"^unknown field"), "error.unknown_field"),
    (re.compile(r"^expected a number, got (?P<value>.*)$"), "error.not_a_number"),
    (re.compile(r"^too many records: at most (?P<n>[\d,]+)"), "new_application.too_many"),
    (re.compile(r"^unknown value (?P<value>.*?); expected (?P<levels>.*)$"), "error.unknown_level"),
    (re.compile(r"less than or equal to (?P<bound>-?[\d.]+)"), "new_application.at_most"),
    (re.compile(r"greater than or equal to (?P<bound>-?[\d.]+)"), "new_application.at_least"),
    (re.compile(r"finite number"), "new_application.finite"),
)


def incomplete(columns: Sequence[str], lang: str) -> str:
    """ "Demande incomplète : il manque Revenu annuel, Âge." """
    labels = [field_label(BY_COLUMN[c], lang) if c in BY_COLUMN else c for c in columns]
    return t("new_application.incomplete", lang, fields=", ".join(labels))


def translated(message: str, lang: str) -> str:
    """A credit-file message (English, from model_training.credit_file) in the page's language: the common
    ones by the catalogue; any other kept as written, since it still names what is wrong."""
    for pattern, key in _ENGLISH:
        found = pattern.search(message)
        if found:
            return t(key, lang, **found.groupdict())
    return message


def file_errors(error: CreditFileError, rows_of: Mapping[str, Sequence[int]], lang: str) -> dict[Place, str]:
    """Each message of a refused file at its field: the application's column, or a side record's form row
    and column (`rows_of[table][i]`: the form row of the file's record i). An incomplete application puts
    "obligatoire" on each missing field and names them all at the application's place."""
    placed: dict[Place, str] = {}
    for path, message in error.errors.items():
        missing = re.match(r"^incomplete application: missing (.*)$", message)
        if path == APPLICATION and missing:
            names = [name.strip() for name in missing[1].split(",")]
            for name in names:
                placed[(APPLICATION, None, name)] = t("what_if.required", lang)
            placed[(APPLICATION, None, None)] = incomplete(names, lang)
            continue
        found = _PATH.match(path)
        if not found:
            placed[(APPLICATION, None, None)] = f"{path}\u00a0: {translated(message, lang)}"
            continue
        table, index, column = found[1], found[2], found[3]
        if table == APPLICATION:
            placed[(APPLICATION, None, column)] = translated(message, lang)
            continue
        rows = rows_of.get(table, ())
        row = rows[int(index)] if index is not None and int(index) < len(rows) else None
        placed[(table, row, column)] = translated(message, lang)
    return placed


def place_text(place: Place, lang: str) -> str:
    """Where a message belongs, in words: "Montant du crédit", "Crédit déclaré n° 2 · Montant"."""
    table, row, column = place
    if table == APPLICATION:
        if column is None:
            return t("new_application.application", lang)
        return field_label(BY_COLUMN[column], lang) if column in BY_COLUMN else column
    where = t(f"new_application.{table}.legend", lang, n=row if row is not None else "").strip()
    by_column = {f.column: f for f in RECORD_FIELDS[table]}
    if column is None:
        return where
    label = field_label(by_column[column], lang) if column in by_column else column
    return f"{where} · {label}"
