"""Two SQL building blocks the report queries need and Django does not ship.

- `Seconds(end, start)`: the seconds between two datetime columns, as a float, in SQL.
- `PercentileCont(expr, fraction)`: the continuous percentile (linear interpolation between
  the two nearest ranks), the same definition on every supported database:
  sort the n values v[0..n-1], position p = fraction * (n - 1); the result is
  v[floor(p)] + (v[ceil(p)] - v[floor(p)]) * (p - floor(p)). That is PostgreSQL's
  `percentile_cont`; SQLite has no percentile function, so the same formula is registered as
  an aggregate on every new SQLite connection (`register_sqlite_functions`). Either way the
  rows stay in the database engine: Django receives one number per group.
"""

from __future__ import annotations

import math

from django.db import NotSupportedError
from django.db.models import Aggregate, FloatField, Func

SQLITE_PERCENTILE = "SIMEDSOS_PERCENTILE_CONT"


class Seconds(Func):
    """end - start in seconds (float); NULL when either is NULL."""

    output_field = FloatField()
    arity = 2

    def as_sql(self, compiler, connection, **extra_context):
        raise NotSupportedError(f"Seconds() is not implemented for {connection.vendor}.")

    def _parts(self, compiler):
        end, start = self.get_source_expressions()
        end_sql, end_params = compiler.compile(end)
        start_sql, start_params = compiler.compile(start)
        return end_sql, start_sql, (*end_params, *start_params)

    def as_postgresql(self, compiler, connection, **extra_context):
        end_sql, start_sql, params = self._parts(compiler)
        return f"EXTRACT(EPOCH FROM ({end_sql} - {start_sql}))::double precision", params

    def as_sqlite(self, compiler, connection, **extra_context):
        end_sql, start_sql, params = self._parts(compiler)
        # julianday() is a day count in a double: rounding to the millisecond removes the
        # floating-point noise of the subtraction (timestamps are stored to the microsecond).
        return (
            f"ROUND((JULIANDAY({end_sql}) - JULIANDAY({start_sql})) * 86400.0, 3)",
            params,
        )


class PercentileCont(Aggregate):
    """Continuous percentile of a numeric expression (see the module docstring)."""

    name = "PercentileCont"
    output_field = FloatField()
    arity = 1

    def __init__(self, expression, fraction: float, **extra):
        fraction = float(fraction)
        if not 0.0 <= fraction <= 1.0:
            raise ValueError("fraction must lie in [0, 1]")
        self.fraction = fraction
        super().__init__(expression, **extra)

    def as_sql(self, compiler, connection, **extra_context):
        if connection.vendor == "postgresql":
            extra_context["template"] = (
                f"PERCENTILE_CONT({self.fraction!r}) WITHIN GROUP (ORDER BY %(expressions)s)"
                "%(filter)s"
            )
        elif connection.vendor == "sqlite":
            extra_context["template"] = (
                f"{SQLITE_PERCENTILE}(%(expressions)s, {self.fraction!r})%(filter)s"
            )
        else:
            raise NotSupportedError(f"PercentileCont is not implemented for {connection.vendor}.")
        return super().as_sql(compiler, connection, **extra_context)


def percentile_cont(values: list[float], fraction: float) -> float | None:
    """The same definition in Python (used by the SQLite aggregate; tests state it too)."""
    if not values:
        return None
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low, high = math.floor(position), math.ceil(position)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


class _SqlitePercentile:
    """SQLite aggregate: step() per row inside the engine, finalize() once per group."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.fraction = 0.5

    def step(self, value, fraction) -> None:
        if value is not None:
            self.values.append(float(value))
            self.fraction = float(fraction)

    def finalize(self):
        return percentile_cont(self.values, self.fraction)


def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: infrastructure, gives SQLite the percentile aggregate."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate(SQLITE_PERCENTILE, 2, _SqlitePercentile)
