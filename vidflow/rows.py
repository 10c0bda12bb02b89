"""Model rows read with a statement written once, for the lookups every request makes.

Building a queryset's SQL costs the ORM several times what the database then spends answering a
lookup by key (about 0.5 ms for ``User.objects.get(pk=...)``, 2 ms for the access token with its
application and user, against 0.1 ms for the statement itself). The few lookups on the path of
every request (the session, its user, a bearer token) write their statement once from the
models' metadata and turn each row into model instances as the ORM does (``from_db``, with the
ORM's converters), so what they answer is what the queryset would have answered.

Table and column names come from the models; values are always parameters.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from django.db import connections
from django.db.models import Model

M = TypeVar("M", bound=Model)


class Columns(Generic[M]):
    """The concrete columns of ``model`` under the SQL alias ``alias``: ``sql`` lists them for a
    SELECT, ``instance`` turns their values (in that order) into a model instance."""

    def __init__(self, model: type[M], alias: str) -> None:
        self.model = model
        self.alias = alias
        self.fields = list(model._meta.concrete_fields)
        self.attnames = [f.attname for f in self.fields]
        self.pk_index = self.fields.index(model._meta.pk)
        self._converters: dict[str, list[tuple[Any, list[Any]]]] = {}

    def __len__(self) -> int:
        return len(self.fields)

    def sql(self, using: str = "default") -> str:
        quote = connections[using].ops.quote_name
        return ", ".join(f"{self.alias}.{quote(f.column)}" for f in self.fields)

    def table(self, using: str = "default") -> str:
        quote = connections[using].ops.quote_name
        return f"{quote(self.model._meta.db_table)} {self.alias}"

    def _converters_for(self, using: str) -> list[tuple[Any, list[Any]]]:
        converters = self._converters.get(using)
        if converters is None:
            connection = connections[using]
            converters = []
            for field in self.fields:
                column = field.get_col(self.model._meta.db_table)
                converters.append(
                    (
                        column,
                        [
                            *connection.ops.get_db_converters(column),
                            *column.get_db_converters(connection),
                        ],
                    )
                )
            self._converters[using] = converters
        return converters

    def instance(self, values: tuple[Any, ...] | list[Any], using: str = "default") -> M:
        connection = connections[using]
        converted = []
        for (column, converters), value in zip(self._converters_for(using), values, strict=True):
            for convert in converters:
                value = convert(value, column, connection)
            converted.append(value)
        return self.model.from_db(using, self.attnames, converted)


def fetch_one(sql: str, params: list[Any] | dict[str, Any], using: str = "default") -> Any:
    """The first row ``sql`` answers, or None."""
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()
