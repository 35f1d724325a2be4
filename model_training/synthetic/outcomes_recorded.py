"""Whether an outcomes file is already in the store, so that `make run` records each demo month once.

`make clean` removes the demo's files but keeps the app's database (users' applications live there), and the
outcomes command refuses an outcome already recorded: `make run` asks this first and skips such a file.
`python -m model_training.synthetic.outcomes_recorded --recorded FILE [--database URL]`: exit 0 when every
outcome of FILE is already stored, 1 when not, 2 on bad input.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polars as pl

from model_training import schema
from model_training.errors import InputError


def recorded_already(file: Path | str, database: str | None = None) -> bool:
    """Whether the store already holds an outcome for every client of an outcomes file: `make run` after
    `make clean` keeps the database, and the outcomes command refuses to record an outcome twice."""
    from sqlalchemy import func, inspect, select

    from model_training.store import tables as t
    from model_training.store.engine import database_url, open_engine

    try:
        frame = pl.read_csv(file, columns=[schema.CLIENT_ID], schema_overrides={schema.CLIENT_ID: pl.Int64})
        clients = sorted(set(frame[schema.CLIENT_ID].to_list()))
    except (OSError, pl.exceptions.PolarsError, ValueError) as error:
        raise InputError(f"{file}: cannot read its {schema.CLIENT_ID} column ({error})") from None
    engine = open_engine(database_url(database))
    if not inspect(engine).has_table(t.outcomes.name):
        return not clients
    found = 0
    with engine.connect() as connection:
        for start in range(0, len(clients), 5_000):
            chunk = clients[start : start + 5_000]
            query = select(func.count(func.distinct(t.outcomes.c.client_id))).where(
                t.outcomes.c.client_id.in_(chunk)
            )
            found += connection.execute(query).scalar_one()
    return found == len(clients)


def main(argv: list[str] | None = None) -> int:
    """Exit 0 when every outcome of the file is stored (make run skips it), 1 when not, 2 on bad input."""
    parser = argparse.ArgumentParser(
        prog="python -m model_training.synthetic.outcomes_recorded", description=main.__doc__
    )
    parser.add_argument("--recorded", required=True, metavar="FILE", help="outcomes file (SK_ID_CURR, ...)")
    parser.add_argument("--database", help="SQLAlchemy URL of the app database (default: the app's)")
    args = parser.parse_args(argv)
    try:
        done = recorded_already(args.recorded, args.database)
    except InputError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if done:
        print(f"{args.recorded}: every outcome already recorded, skipped")
    return 0 if done else 1


if __name__ == "__main__":
    sys.exit(main())
