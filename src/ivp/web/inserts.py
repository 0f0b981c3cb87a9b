"""Insert a new row together with the rows that point to it, in one SQL statement on PostgreSQL.

A melding, its first history row, its contact details and its audit row are one fact: either all are stored
or none. Through the ORM that is four ``Model.save()`` calls inside ``BEGIN``/``COMMIT``: six round trips and
most of a submission's CPU. On PostgreSQL :func:`insert_linked` sends one ``INSERT`` with data-modifying
CTEs instead; a single statement is atomic on its own, so outside a transaction no ``BEGIN``/``COMMIT`` is
needed. Values are prepared exactly as ``Model.save()`` prepares them (``pre_save``, ``get_db_prep_save``), so
defaults, ``auto_now`` and JSON fields come out the same. Other databases (SQLite) take the ORM path in one
transaction. See docs/adr/0003-one-statement-submission.md.

Only for models whose ``save()`` adds nothing beyond append-only guards and that have no ``pre_save`` or
``post_save`` receivers: the statement bypasses both, so :func:`insert_linked` refuses models with receivers.
"""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import psycopg
from django.db import connections, models, transaction
from django.db.models import Field, Model
from django.db.models.signals import post_save, pre_save


@dataclass(frozen=True)
class Linked:
    """A new row whose ``field`` (an attname, e.g. ``melding_id``) gets the parent's primary key."""

    obj: Model
    field: str
    as_text: bool = False  # the field is text (e.g. an audit row's object id): store str(pk)


def insert_linked(parent: Model, children: Sequence[Linked], using: str = "default") -> None:
    """Insert ``parent`` and ``children`` (all new) atomically; set their primary keys and link fields."""
    objects = [parent, *(child.obj for child in children)]
    for obj in objects:
        if not obj._state.adding or obj.pk is not None:
            raise ValueError(f"{type(obj).__name__}: only new rows without a primary key can be inserted")
        if pre_save.has_listeners(type(obj)) or post_save.has_listeners(type(obj)):
            raise ValueError(f"{type(obj).__name__} has save signal receivers; use Model.save()")
    for child in children:
        if child.field not in _attnames(type(child.obj)):
            raise ValueError(
                f"{child.obj._meta.label} has no field {child.field!r} to link to {parent._meta.label}"
            )
    connection = connections[using]
    if connection.vendor != "postgresql":
        with transaction.atomic(using=using):
            parent.save(using=using)
            for child in children:
                setattr(child.obj, child.field, str(parent.pk) if child.as_text else parent.pk)
                child.obj.save(using=using)
        return
    sql, params = _statement(parent, children, connection)
    if connection.in_atomic_block:  # a savepoint, so a refused insert leaves the caller's transaction usable
        with transaction.atomic(using=using):
            ids = _execute(connection, sql, params)
    else:
        ids = _execute(connection, sql, params)
    for obj, pk in zip(objects, ids, strict=True):
        obj.pk = pk
        obj._state.adding = False
        obj._state.db = using
    for child in children:
        setattr(child.obj, child.field, str(parent.pk) if child.as_text else parent.pk)


@functools.cache
def _attnames(model: type[Model]) -> frozenset[str]:
    return frozenset(field.attname for field in model._meta.concrete_fields)


def _execute(connection: Any, sql: str, params: list[object]) -> tuple[Any, ...]:
    """Run the statement with server-side parameters, prepared after ``prepare_threshold`` runs.

    Django's PostgreSQL cursors bind parameters on the client (the statement text carries the values), so
    PostgreSQL parses and plans every insert anew: about 1.1 ms of its CPU per submission on the benchmark
    machine, against 0.5 ms prepared (bench/RESULTS.md). The statement text is the same for every
    submission with the same set of rows, so psycopg prepares it once per connection (the database URL's
    ``prepare_threshold``, see ``ivp.web.env``; ``none`` turns preparing off). Django's health check and
    error translation (``IntegrityError`` etc.) still apply.
    """
    connection.close_if_health_check_failed()
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:  # pragma: no cover - an INSERT ... RETURNING of one row always returns it
        raise RuntimeError("insert returned no ids")
    return tuple(row)


def _statement(parent: Model, children: Sequence[Linked], connection: Any) -> tuple[str, list[object]]:
    shape = (type(parent), *((type(c.obj), c.field, c.as_text) for c in children))
    plan = _plans.get(shape)
    if plan is None:
        plan = _plans[shape] = _plan(parent, children, connection)
    sql, fields_per_row = plan
    params: list[object] = []
    for obj, fields in zip((parent, *(child.obj for child in children)), fields_per_row, strict=True):
        for field, mode, types in fields:
            if mode is _Mode.PLAIN:
                value = getattr(obj, field.attname)
                if value is None or type(value) in types:
                    params.append(value)  # what get_db_prep_save returns for it on PostgreSQL
                    continue
            else:
                value = field.pre_save(obj, True)  # sets auto_now fields on the object, as save() does
                if mode is _Mode.DATETIME and (
                    value is None or (type(value) in types and value.tzinfo is not None)
                ):
                    params.append(value)
                    continue
            params.append(field.get_db_prep_save(value, connection))
    return sql, params


class _Mode(enum.Enum):
    """How a field's value becomes a parameter (see :func:`_conversion`)."""

    DJANGO = "pre_save, then get_db_prep_save"
    PLAIN = "the attribute, as it is if of an accepted type"
    DATETIME = "pre_save (sets auto_now), as it is if an aware datetime"


_PLAIN: dict[type[Field[Any, Any]], tuple[type, ...]] = {
    models.CharField: (str,),
    models.TextField: (str,),
    models.SlugField: (str,),
    models.EmailField: (str,),
    models.FloatField: (float,),
    models.IntegerField: (int,),
    models.BigIntegerField: (int,),
    models.PositiveIntegerField: (int,),
    models.BooleanField: (bool,),
}
_INTEGER_KEYS = (models.AutoField, models.BigAutoField, models.IntegerField, models.BigIntegerField)

Conversion = tuple[Field[Any, Any], _Mode, tuple[type, ...]]


def _conversion(field: Field[Any, Any]) -> Conversion:
    """Which values of ``field`` pass as they are.

    Django's ``pre_save`` + ``get_db_prep_save`` costs several microseconds per field, about a tenth of a
    submission's server time for the four rows. For the exact field classes here, a value of the listed type
    (or None) comes out of it unchanged on PostgreSQL, so it is passed as is; a datetime only when aware (a
    naive one gets Django's warning and conversion). Any other value, and every other field class (JSON,
    decimals, subclasses with their own conversion), goes through Django. ``tests/web/test_inserts.py``
    checks both paths against ``Model.save()``.
    """
    cls = type(field)
    if cls is models.DateTimeField:
        return field, _Mode.DATETIME, (dt.datetime,)
    if cls in (models.ForeignKey, models.OneToOneField):
        target = field.target_field  # type: ignore[attr-defined]
        if type(target) in _INTEGER_KEYS:
            return field, _Mode.PLAIN, (int,)
    elif cls in _PLAIN:
        return field, _Mode.PLAIN, _PLAIN[cls]
    return field, _Mode.DJANGO, ()


Plan = tuple[str, list[list[Conversion]]]
_plans: dict[tuple[Any, ...], Plan] = {}  # statement text and value conversions per shape of rows


def _plan(parent: Model, children: Sequence[Linked], connection: Any) -> Plan:
    quote = connection.ops.quote_name
    ctes, fields_per_row = [], []
    for index, obj in enumerate([parent, *(child.obj for child in children)]):
        meta = obj._meta
        link = children[index - 1] if index else None
        columns, values, fields = [], [], []
        for field in meta.local_concrete_fields:
            if field is meta.auto_field:
                continue
            columns.append(quote(field.column))
            if link is not None and field.attname == link.field:
                values.append("(SELECT id FROM r0)::text" if link.as_text else "(SELECT id FROM r0)")
            else:
                values.append("%s")
                fields.append(_conversion(field))
        fields_per_row.append(fields)
        pk = quote(meta.pk.column)
        ctes.append(
            f"r{index} AS (INSERT INTO {quote(meta.db_table)} ({', '.join(columns)}) "
            f"VALUES ({', '.join(values)}) RETURNING {pk} AS id)"
        )
    ids = ", ".join(f"(SELECT id FROM r{i})" for i in range(len(ctes)))
    return f"WITH {', '.join(ctes)} SELECT {ids}", fields_per_row
