"""Bulk writes for imports and other large batches: fast paths on PostgreSQL, Django's on SQLite."""

from django.db import connection
from psycopg.types.json import Jsonb


def insert_rows(model, objects: list) -> None:
    """``bulk_create`` that sets each object's id: through COPY on PostgreSQL.

    Django's bulk insert spends most of its time adapting parameters in Python; COPY streams the
    rows through psycopg's C adapters. The ids are taken from the table's sequence first.
    """
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(objects, batch_size=500)
        return
    pk = model._meta.pk
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [model._meta.db_table, pk.column, len(objects)],
        )
        for obj, (new_id,) in zip(objects, cursor.fetchall(), strict=True):
            obj.pk = new_id
            obj._state.adding = False
            obj._state.db = connection.alias
    fields = list(model._meta.concrete_fields)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    sql = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for obj in objects:
            obj._prepare_related_fields_for_save(operation_name="insert_rows")  # as bulk_create
            copy.write_row(
                [field.get_db_prep_save(field.pre_save(obj, True), connection) for field in fields]
            )


def bulk_update(model, objects: list, fields: list[str]) -> None:
    """``QuerySet.bulk_update``, with one ``UPDATE … FROM unnest(…)`` per call on PostgreSQL.

    Django's version builds a ``CASE WHEN`` per object and field: 100,000 changed rows cost about
    40 s of Python. The arrays are passed as parameters, as Django's own bulk insert does.
    """
    if not objects:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_update(objects, fields, batch_size=500)
        return
    quote = connection.ops.quote_name
    columns = [model._meta.get_field(name) for name in fields]
    pk = model._meta.pk
    arrays = [pk, *columns]
    select = ", ".join(
        f"unnest(%s::{field.db_type(connection).split('(')[0]}[]) AS {quote(field.column)}"
        for field in arrays
    )
    assignments = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in columns)
    # Every identifier comes from the model's own metadata; values go as parameters.
    sql = (
        f"UPDATE {quote(model._meta.db_table)} AS t SET {assignments} "  # noqa: S608
        f"FROM (SELECT {select}) AS v WHERE t.{quote(pk.column)} = v.{quote(pk.column)}"
    )
    params = [
        [field.get_db_prep_save(getattr(obj, field.attname), connection) for obj in objects]
        for field in arrays
    ]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def insert_dicts(model, rows: list[dict]) -> list[int]:
    """Insert plain rows (missing fields take the model's defaults); returns their ids."""
    if not rows:
        return []
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {f.attname: _default(f) for f in fields}
    columns = [f.column for f in fields]
    values = [[row.get(f.attname, defaults[f.attname]) for f in fields] for row in rows]
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = ", ".join(connection.ops.quote_name(c) for c in ["id", *columns])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [model._meta.db_table, len(rows)],
            )
            ids = [pk for (pk,) in cursor.fetchall()]
            json_at = [i for i, f in enumerate(fields) if f.get_internal_type() == "JSONField"]
            with cursor.cursor.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy:
                for pk, row in zip(ids, values, strict=True):
                    for i in json_at:  # a list would otherwise go in as an SQL array
                        row[i] = Jsonb(row[i])
                    copy.write_row([pk, *row])
            return ids
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {table}")  # noqa: S608
        start = cursor.fetchone()[0] + 1
        ids = list(range(start, start + len(rows)))
        marks = ", ".join(["%s"] * (len(columns) + 1))
        cursor.executemany(
            f"INSERT INTO {table} ({quoted}) VALUES ({marks})",  # noqa: S608
            [  # Django's adaptation here (aware datetimes to UTC text for SQLite)
                [pk, *(f.get_db_prep_save(v, connection) for f, v in zip(fields, row, strict=True))]
                for pk, row in zip(ids, values, strict=True)
            ],
        )
        return ids


def _default(field):
    if field.has_default():
        value = field.get_default()
        return value if not callable(value) else value()
    if field.null:
        return None
    return "" if field.get_internal_type() in ("CharField", "TextField") else None
