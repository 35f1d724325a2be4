"""Synthetic applicants: the application_train/test rows, the hidden risk behind TARGET, and the drift.

Every column keeps its calibrated marginal; dependencies come from a few latent normals per applicant
(age, social standing, region, building size, ...) shared between columns, plus hard rules the real data
obeys (pensioners carry DAYS_EMPLOYED = 365243 and ORGANIZATION_TYPE = XNA, CNT_FAM_MEMBERS counts the
children and a partner, no one was employed or held an ID before adolescence).

TARGET comes from two hidden traits that no column shows directly: creditworthiness (read, with noise,
by the three EXT_SOURCE scores and by refusals in previous applications) and payment discipline (seen in
late instalments, days past due and bureau overdue amounts), plus age, job tenure, loan burden, gender,
education and a share of pure chance, so that a model can learn it but not perfectly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from model_training import schema
from model_training.synthetic.calibration import schema_kind
from model_training.synthetic.sampling import (
    NO_DATE,
    YEAR,
    days_before,
    level_mask,
    mix,
    numeric,
    ordered,
    quantile_value,
    ranks,
    share_of,
    sigmoid,
    snap,
    subset,
    text,
    text_series,
)

#: Columns of application_test that drift on purpose (the drift report must find exactly these): the
#: production applicants ask for and earn about 20% more (inflation), and are younger (their age above 20
#: shrinks by 30%: median about 43 -> 37 years). AMT_ANNUITY follows AMT_CREDIT.
DRIFTED_COLUMNS: tuple[str, ...] = (
    "AMT_INCOME_TOTAL",
    "AMT_CREDIT",
    "AMT_ANNUITY",
    "AMT_GOODS_PRICE",
    "DAYS_BIRTH",
)
AMOUNT_DRIFT = 1.2
AGE_DRIFT = 0.7

# Weights of the hidden risk (log-odds per standard deviation); the intercept gives about 8% defaults.
RISK_INTERCEPT = -3.15
RISK_WEIGHTS = {
    "creditworthiness": -1.0,
    "discipline": -0.7,
    "age": -0.3,
    "short_job": 0.3,
    "burden": 0.08,
    "male": 0.15,
    "education": -0.12,
    "region_rating": 0.15,
    "instability": 0.2,
    "chance": 0.15,
}

WORK_LEVELS = {
    "Working",
    "Commercial associate",
    "State servant",
    "Businessman",
    "Student",
    "Maternity leave",
}
NOT_WORKING_LEVELS = {"Pensioner", "Unemployed"}
BUILDING_STATS = (
    "APARTMENTS",
    "BASEMENTAREA",
    "YEARS_BEGINEXPLUATATION",
    "YEARS_BUILD",
    "COMMONAREA",
    "ELEVATORS",
    "ENTRANCES",
    "FLOORSMAX",
    "FLOORSMIN",
    "LANDAREA",
    "LIVINGAPARTMENTS",
    "LIVINGAREA",
    "NONLIVINGAPARTMENTS",
    "NONLIVINGAREA",
)
BUILDING_TEXT = ("FONDKAPREMONT_MODE", "HOUSETYPE_MODE", "WALLSMATERIAL_MODE", "EMERGENCYSTATE_MODE")
CREDIT_BUREAU_REQUESTS = tuple(
    f"AMT_REQ_CREDIT_BUREAU_{p}" for p in ("HOUR", "DAY", "WEEK", "MON", "QRT", "YEAR")
)


@dataclass(frozen=True)
class Drift:
    """How far production applicants have moved from the labelled ones (1.0, 1.0, 0.0: not at all).

    The monthly batches (`batches.py`) move further each month; application_test uses `PRODUCTION_DRIFT`.
    """

    amounts: float  # multiplies income, goods price and credit (the annuity follows the credit)
    age: float  # multiplies the age above 20 years
    #: Lowers the ranks of EXT_SOURCE_1..3: rank u becomes u ** (1 / (1 - external_scores)) (0.2: the median
    #: -> the 42nd centile, the 90th -> the 88th), so every score stays possible, only rarer near the top.
    external_scores: float
    #: Share of the external scores' variance that no longer reads the applicant (the bureaus changed their
    #: methods): the scores rank risk less well, so the model does a little worse on drifted months.
    external_noise: float = 0.0


PRODUCTION_DRIFT = Drift(amounts=AMOUNT_DRIFT, age=AGE_DRIFT, external_scores=0.0)


@dataclass(frozen=True)
class Applicants:
    """A chunk of applicants: their two application tables and what the side tables need to know."""

    ids: np.ndarray
    production: np.ndarray
    history_days: np.ndarray  # how far back a credit history can reach: adult life at the reported age
    creditworthiness: np.ndarray  # hidden, standard normal, high = safe
    discipline: np.ndarray  # hidden, standard normal, high = pays on time
    labelled: pl.DataFrame
    production_rows: pl.DataFrame
    #: What will happen to the production applicants (their TARGET, never written in their tables): the
    #: monthly batches' outcomes (`outcomes.py`) come from here, the same hidden risk as the labelled ones'.
    production_targets: np.ndarray


@dataclass
class _Draw:
    """Per-chunk state while the columns are drawn: the generator, the specs and the columns so far."""

    rng: np.random.Generator
    calib: dict
    n: int
    values: dict[str, np.ndarray]
    levels: dict[str, list[str]]

    def u(self) -> np.ndarray:
        return self.rng.random(self.n)

    def z(self) -> np.ndarray:
        return self.rng.standard_normal(self.n)

    def spec(self, column: str) -> dict:
        return self.calib["marginal"][column]

    def put_text(self, column: str, spec: dict, idx: np.ndarray) -> None:
        self.values[column] = idx
        self.levels[column] = spec["levels"]


def generate_applicants(
    rng: np.random.Generator,
    calib: dict,
    ids: np.ndarray,
    production: np.ndarray,
    drift: Drift = PRODUCTION_DRIFT,
) -> Applicants:
    """Application rows of one chunk of applicants; `production` marks the application_test ones, which
    move by `drift`."""
    d = _Draw(rng, calib["application"], len(ids), {}, {})
    names = ("age", "social", "region", "instability", "chance", "worth_1", "worth_2", "worth_3")
    hidden = {name: d.z() for name in names}
    # Creditworthiness has three independent sides, each read mainly by one external score.
    hidden["creditworthiness"] = (hidden["worth_1"] + hidden["worth_2"] + hidden["worth_3"]) / np.sqrt(3.0)
    hidden["discipline"] = mix(rng, (0.5, hidden["creditworthiness"]))
    amount_scale = np.where(production, drift.amounts, 1.0)

    age_days = _person(d, hidden)
    employed = _work(d, hidden, age_days)
    _family(d, hidden)
    _amounts(d, hidden, amount_scale)
    _dates(d, hidden, age_days)
    _region_and_contact(d, hidden)
    rank_power = np.where(production, 1.0 / (1.0 - drift.external_scores), 1.0)
    external = _external_scores(d, hidden, rank_power)
    _building(d)
    _social_circle_and_requests(d, hidden)
    _independent(d)

    d.values[schema.TARGET] = _target(d, hidden, employed, age_days)
    reported_age = _reported_age(d, age_days, production, drift.age)
    d.values["DAYS_BIRTH"] = -np.round(reported_age).astype(np.int64)
    if drift.external_noise > 0:  # drawn last, so that no other column moves
        _blur_external_scores(d, external, production, rank_power, drift.external_noise)
    d.values[schema.CLIENT_ID] = ids

    frame = _frame(d, schema.columns("application_train"))
    return Applicants(
        ids=ids,
        production=production,
        history_days=np.maximum(reported_age - 18 * YEAR, YEAR),
        creditworthiness=hidden["creditworthiness"],
        discipline=hidden["discipline"],
        labelled=frame.filter(pl.Series(~production)),
        production_rows=frame.filter(pl.Series(production)).drop(schema.TARGET),
        production_targets=d.values[schema.TARGET][production],
    )


# ---------------------------------------------------------------------------------------------- people


def _person(d: _Draw, hidden: dict) -> np.ndarray:
    """Age (in days), gender and education; returns the true age, before any production drift."""
    # DAYS_BIRTH is negative: the oldest applicants sit at the low ranks.
    age_days = -quantile_value(d.spec("DAYS_BIRTH"), ranks(-hidden["age"]))
    gender = d.spec("CODE_GENDER")
    d.put_text("CODE_GENDER", gender, text(gender, d.u()))
    hidden["male"] = np.where(level_mask(gender, d.values["CODE_GENDER"], "M"), 1.4, -0.7)
    education = ordered(
        d.spec("NAME_EDUCATION_TYPE"),
        [
            "Lower secondary",
            "Secondary / secondary special",
            "Incomplete higher",
            "Higher education",
            "Academic degree",
        ],
    )
    hidden["education"] = mix(d.rng, (0.6, hidden["social"]), (-0.2, hidden["age"]))
    d.put_text("NAME_EDUCATION_TYPE", education, text(education, ranks(hidden["education"])))
    return age_days


def _work(d: _Draw, hidden: dict, age_days: np.ndarray) -> np.ndarray:
    """Income type, employment length and the work-related columns; returns who is in work."""
    income_type = d.spec("NAME_INCOME_TYPE")
    retired_share = share_of(income_type, NOT_WORKING_LEVELS)
    # Pensioners are mostly the oldest applicants, with some younger (disability) ones.
    not_working = ranks(mix(d.rng, (0.85, hidden["age"]))) > 1.0 - retired_share
    working_spec = subset(income_type, WORK_LEVELS)
    retired_spec = subset(income_type, NOT_WORKING_LEVELS)
    work_levels = [income_type["levels"].index(lv) for lv in working_spec["levels"]]
    retired_levels = [income_type["levels"].index(lv) for lv in retired_spec["levels"]]
    idx_work = np.where(
        not_working,
        np.asarray(retired_levels)[text(retired_spec, d.u())],
        np.asarray(work_levels)[text(working_spec, d.u())],
    )
    d.put_text("NAME_INCOME_TYPE", income_type, idx_work)
    employed = ~not_working
    hidden["not_working"] = np.where(not_working, 2.0, -0.5)

    groups = d.calib["employed"], d.calib["not_employed"]
    tenure = mix(d.rng, (0.4, hidden["age"]))
    days_employed = days_before(groups[0]["DAYS_EMPLOYED"], ranks(-tenure), age_days - 16 * YEAR)
    d.values["DAYS_EMPLOYED"] = np.where(employed, np.round(days_employed), NO_DATE).astype(np.int64)
    hidden["years_employed"] = np.where(employed, -days_employed / YEAR, np.nan)

    region_move, city_move = d.z(), d.z()
    hidden["moves"] = (region_move, city_move)
    moves = {
        "REG_REGION_NOT_WORK_REGION": region_move,
        "LIVE_REGION_NOT_WORK_REGION": region_move,
        "REG_CITY_NOT_WORK_CITY": city_move,
        "LIVE_CITY_NOT_WORK_CITY": city_move,
    }
    for column in ("ORGANIZATION_TYPE", "OCCUPATION_TYPE", "FLAG_EMP_PHONE", "FLAG_WORK_PHONE", *moves):
        latent = mix(d.rng, (0.8, moves[column])) if column in moves else d.z()
        u, missing_u = ranks(latent), d.u()
        specs = {"work": (employed, groups[0][column]), "idle": (~employed, groups[1][column])}
        if schema_kind("application_train", column) == "category":
            levels = sorted({lv for _, spec in specs.values() for lv in spec.get("levels", [])})
            idx = np.full(d.n, -1)
            for rows, spec in specs.values():
                if spec["missing"] < 1.0:
                    local = text(spec, u[rows], missing_u[rows])
                    to_union = np.asarray([levels.index(lv) for lv in spec["levels"]])
                    idx[rows] = np.where(local < 0, -1, to_union[local])
            d.put_text(column, {"levels": levels}, idx)
        else:
            d.values[column] = np.where(
                employed, numeric(groups[0][column], u), numeric(groups[1][column], u)
            )
    return employed


def _family(d: _Draw, hidden: dict) -> None:
    """Family status, children (fewer among pensioners, who rarely live with them) and household size."""
    status = ordered(
        d.spec("NAME_FAMILY_STATUS"),
        ["Unknown", "Single / not married", "Civil marriage", "Married", "Separated", "Widow"],
    )
    idx = text(status, ranks(mix(d.rng, (0.5, hidden["age"]))))
    d.put_text("NAME_FAMILY_STATUS", status, idx)
    couple = level_mask(status, idx, "Married", "Civil marriage")
    couple_z = np.where(couple, 0.6, -1.7)
    children = numeric(d.spec("CNT_CHILDREN"), ranks(mix(d.rng, (-0.45, hidden["age"]), (0.3, couple_z))))
    d.values["CNT_CHILDREN"] = children.astype(np.int64)
    d.values["CNT_FAM_MEMBERS"] = children + 1.0 + couple

    housing = ordered(
        d.spec("NAME_HOUSING_TYPE"),
        [
            "With parents",
            "Rented apartment",
            "Co-op apartment",
            "Office apartment",
            "Municipal apartment",
            "House / apartment",
        ],
    )
    d.put_text("NAME_HOUSING_TYPE", housing, text(housing, ranks(mix(d.rng, (0.4, hidden["age"])))))
    realty = d.spec("FLAG_OWN_REALTY")
    d.put_text("FLAG_OWN_REALTY", realty, text(realty, ranks(mix(d.rng, (0.25, hidden["age"])))))
    car = d.spec("FLAG_OWN_CAR")
    car_idx = text(car, ranks(mix(d.rng, (0.4, hidden["social"]), (0.45, hidden["male"]))))
    d.put_text("FLAG_OWN_CAR", car, car_idx)
    car_age = numeric(d.calib["car_owners"]["OWN_CAR_AGE"], d.u())
    d.values["OWN_CAR_AGE"] = np.where(level_mask(car, car_idx, "Y"), car_age, np.nan)


def _amounts(d: _Draw, hidden: dict, amount_scale: np.ndarray) -> None:
    """Income, goods price, credit and annuity: credit follows the goods price, the annuity the credit."""
    grids = d.calib["grids"]
    income_latent = mix(d.rng, (0.5, hidden["social"]), (0.3, hidden["male"]), (-0.25, hidden["not_working"]))
    income = quantile_value(d.spec("AMT_INCOME_TOTAL"), ranks(income_latent)) * amount_scale
    d.values["AMT_INCOME_TOTAL"] = snap(income, grids["AMT_INCOME_TOTAL"], d.u())

    contract = d.spec("NAME_CONTRACT_TYPE")
    contract_idx = text(contract, d.u())
    d.put_text("NAME_CONTRACT_TYPE", contract, contract_idx)
    goods_latent = mix(d.rng, (0.45, income_latent), (0.1, hidden["social"]))
    goods, credit, annuity = (np.full(d.n, np.nan) for _ in range(3))
    for i, name in enumerate(contract["levels"]):
        rows = contract_idx == i
        by = d.calib["by_contract"][name]
        k = int(rows.sum())
        u_goods = ranks(goods_latent[rows])
        g = snap(
            quantile_value(by["AMT_GOODS_PRICE"], u_goods) * amount_scale[rows],
            grids["AMT_GOODS_PRICE"],
            d.rng.random(k),
        )
        c = g * quantile_value(by["credit_to_goods"], d.rng.random(k))
        # Revolving loans without a goods price: the credit is the card limit itself.
        lonely = d.rng.random(k) < by["AMT_GOODS_PRICE"]["missing"]
        limit = snap(
            quantile_value(by["AMT_CREDIT"], u_goods) * amount_scale[rows],
            grids["AMT_GOODS_PRICE"],
            d.rng.random(k),
        )
        c = np.where(lonely, limit, c)
        goods[rows] = np.where(lonely, np.nan, g)
        # Bigger loans run longer, so they cost less per month per unit of credit.
        ratio = quantile_value(by["annuity_to_credit"], ranks(mix(d.rng, (-0.6, goods_latent[rows]))))
        credit[rows] = c
        annuity[rows] = c * ratio
    d.values["AMT_GOODS_PRICE"] = goods
    d.values["AMT_CREDIT"] = _to_step(credit, 4.5)
    # Real annuities are all multiples of 4.5.
    annuity = np.maximum(_to_step(annuity, 4.5), 4.5)
    d.values["AMT_ANNUITY"] = np.where(d.u() < d.spec("AMT_ANNUITY")["missing"], np.nan, annuity)
    hidden["burden"] = np.log(np.maximum(annuity, 1.0) / d.values["AMT_INCOME_TOTAL"])


def _dates(d: _Draw, hidden: dict, age_days: np.ndarray) -> None:
    """Registration, ID and phone change dates, none before the applicant could have had them.

    Unsettled people (a hidden trait that adds some risk) changed them more recently.
    """
    unsettled = hidden["instability"]
    older = ranks(mix(d.rng, (-0.3, hidden["age"]), (0.25, unsettled)))
    d.values["DAYS_REGISTRATION"] = np.round(days_before(d.spec("DAYS_REGISTRATION"), older, age_days))
    older = ranks(mix(d.rng, (-0.3, hidden["age"]), (0.3, unsettled)))
    id_days = days_before(d.spec("DAYS_ID_PUBLISH"), older, age_days - 14 * YEAR)
    d.values["DAYS_ID_PUBLISH"] = np.round(id_days).astype(np.int64)
    phone = d.spec("DAYS_LAST_PHONE_CHANGE")
    change = np.round(days_before(phone, ranks(mix(d.rng, (0.35, unsettled))), age_days - 12 * YEAR))
    d.values["DAYS_LAST_PHONE_CHANGE"] = np.where(d.u() < phone["missing"], np.nan, change)


def _region_and_contact(d: _Draw, hidden: dict) -> None:
    """Region (population and rating, better in richer regions) and whether people live where registered."""
    d.values["REGION_POPULATION_RELATIVE"] = numeric(
        d.spec("REGION_POPULATION_RELATIVE"), ranks(hidden["region"])
    )
    rating = mix(d.rng, (-0.55, hidden["region"]), (-0.3, hidden["social"]))
    hidden["region_rating"] = rating
    d.values["REGION_RATING_CLIENT"] = numeric(d.spec("REGION_RATING_CLIENT"), ranks(rating))
    d.values["REGION_RATING_CLIENT_W_CITY"] = numeric(
        d.spec("REGION_RATING_CLIENT_W_CITY"), ranks(mix(d.rng, (0.93, rating)))
    )
    region_move, city_move = hidden["moves"]
    d.values["REG_REGION_NOT_LIVE_REGION"] = numeric(
        d.spec("REG_REGION_NOT_LIVE_REGION"), ranks(mix(d.rng, (0.8, region_move)))
    )
    d.values["REG_CITY_NOT_LIVE_CITY"] = numeric(
        d.spec("REG_CITY_NOT_LIVE_CITY"), ranks(mix(d.rng, (0.8, city_move)))
    )


def _external_scores(
    d: _Draw, hidden: dict, rank_power: np.ndarray
) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """EXT_SOURCE_1..3: noisy external readings of creditworthiness (the first also tracks age).

    `rank_power` above 1 lowers an applicant's scores (drift); 1.0 leaves the draw exactly as it was. Returns
    each score's latent and missing-value draw, for `_blur_external_scores`.
    """
    worth = hidden["creditworthiness"]
    latents = {
        "EXT_SOURCE_1": mix(d.rng, (0.6, hidden["worth_1"]), (0.5, hidden["age"]), (0.25, worth)),
        "EXT_SOURCE_2": mix(
            d.rng,
            (0.7, hidden["worth_2"]),
            (0.2, worth),
            (0.2, hidden["social"]),
            (-0.3, hidden["region_rating"]),
        ),
        "EXT_SOURCE_3": mix(d.rng, (0.8, hidden["worth_3"]), (0.2, hidden["age"]), (0.2, worth)),
    }
    drawn = {}
    for column, latent in latents.items():
        drawn[column] = (latent, d.u())
        d.values[column] = numeric(d.spec(column), ranks(latent) ** rank_power, drawn[column][1])
    return drawn


def _blur_external_scores(
    d: _Draw,
    drawn: dict[str, tuple[np.ndarray, np.ndarray]],
    production: np.ndarray,
    rank_power: np.ndarray,
    noise: float,
) -> None:
    """Production applicants' external scores read them less well: `noise` of each latent's variance is
    replaced by fresh noise (same marginal, same missing values)."""
    for column, (latent, known) in drawn.items():
        blurred = np.sqrt(1.0 - noise) * latent + np.sqrt(noise) * d.z()
        latent_now = np.where(production, blurred, latent)
        d.values[column] = numeric(d.spec(column), ranks(latent_now) ** rank_power, known)


def _building(d: _Draw) -> None:
    """The ~47 statistics of the applicant's building: known or unknown together, large buildings alike."""
    known = d.u()  # one draw per applicant nests the missing patterns of all building columns
    size = d.z()
    for stat in BUILDING_STATS:
        latent = mix(d.rng, (0.6, size))
        for suffix, weight in (("AVG", 1.0), ("MEDI", 0.99), ("MODE", 0.93)):
            column = f"{stat}_{suffix}"
            own = latent if weight == 1.0 else mix(d.rng, (weight, latent))
            d.values[column] = np.round(numeric(d.spec(column), ranks(own), known), 4)
        if stat == "APARTMENTS":
            total = mix(d.rng, (0.9, latent))
            d.values["TOTALAREA_MODE"] = np.round(numeric(d.spec("TOTALAREA_MODE"), ranks(total), known), 4)
    for column in BUILDING_TEXT:
        d.put_text(column, d.spec(column), text(d.spec(column), d.u(), known))


def _social_circle_and_requests(d: _Draw, hidden: dict) -> None:
    """Social-circle counts (more defaults around risky people) and credit bureau enquiries."""
    known = d.u()
    observed = d.z()
    defaults = mix(d.rng, (0.3, observed), (-0.2, hidden["creditworthiness"]))
    latents = {
        "OBS_30_CNT_SOCIAL_CIRCLE": observed,
        "OBS_60_CNT_SOCIAL_CIRCLE": mix(d.rng, (0.98, observed)),
        "DEF_30_CNT_SOCIAL_CIRCLE": defaults,
        "DEF_60_CNT_SOCIAL_CIRCLE": mix(d.rng, (0.9, defaults)),
    }
    for column, latent in latents.items():
        d.values[column] = numeric(d.spec(column), ranks(latent), known)
    known = d.u()
    for column in CREDIT_BUREAU_REQUESTS:
        d.values[column] = numeric(d.spec(column), d.u(), known)


def _independent(d: _Draw) -> None:
    """Every column not drawn yet (flags, documents, weekday, hour, companion): its own marginal."""
    for column in schema.columns("application_train"):
        name = column.name
        if name in d.values or name in (schema.CLIENT_ID, schema.TARGET, "DAYS_BIRTH"):
            continue
        spec = d.spec(name)
        if column.kind == "category":
            d.put_text(name, spec, text(spec, d.u(), d.u()))
        else:
            d.values[name] = numeric(spec, d.u(), d.u())


# ---------------------------------------------------------------------------------------------- risk


def _target(d: _Draw, hidden: dict, employed: np.ndarray, age_days: np.ndarray) -> np.ndarray:
    """Defaults drawn from the hidden risk: signals a model can see, hidden traits it can only infer."""
    years = np.where(employed, hidden["years_employed"], 10.0)
    short_job = (1.2 - np.log1p(years)) / 0.9
    signals = {
        "creditworthiness": hidden["creditworthiness"],
        "discipline": hidden["discipline"],
        "age": (age_days / YEAR - 43.5) / 11.9,
        "short_job": short_job,
        "burden": (hidden["burden"] + 1.85) / 0.5,
        "male": hidden["male"],
        "education": hidden["education"],
        "region_rating": hidden["region_rating"],
        "instability": hidden["instability"],
        "chance": hidden["chance"],
    }
    logit = RISK_INTERCEPT + sum(RISK_WEIGHTS[k] * v for k, v in signals.items())
    return (d.u() < sigmoid(logit)).astype(np.int64)


def _reported_age(d: _Draw, age_days: np.ndarray, production: np.ndarray, age_drift: float) -> np.ndarray:
    """Age as written in DAYS_BIRTH: production applicants are made younger, within what their dates allow."""
    employed_days = np.where(d.values["DAYS_EMPLOYED"] == NO_DATE, 0, -d.values["DAYS_EMPLOYED"])
    youngest = np.maximum.reduce(
        [
            np.full(d.n, 20 * YEAR),
            employed_days + 16 * YEAR,
            -d.values["DAYS_ID_PUBLISH"] + 14 * YEAR,
            -d.values["DAYS_REGISTRATION"],
            -np.nan_to_num(d.values["DAYS_LAST_PHONE_CHANGE"]) + 12 * YEAR,
        ]
    )
    younger = np.maximum(20 * YEAR + (age_days - 20 * YEAR) * age_drift, youngest)
    return np.where(production, np.minimum(younger, age_days), age_days)


# ---------------------------------------------------------------------------------------------- output


def _to_step(values: np.ndarray, step: float) -> np.ndarray:
    return np.round(values / step) * step


def _frame(d: _Draw, columns: tuple[schema.Column, ...]) -> pl.DataFrame:
    """The drawn columns in Kaggle order and kinds: integers as Int64, text from level indices."""
    series = []
    for column in columns:
        values = d.values[column.name]
        if column.kind == "category":
            series.append(text_series(column.name, d.levels[column.name], values))
        elif column.kind == "int":
            series.append(pl.Series(column.name, np.asarray(values).astype(np.int64)))
        else:
            series.append(pl.Series(column.name, np.asarray(values, dtype=float), nan_to_null=True))
    return pl.DataFrame(series)
