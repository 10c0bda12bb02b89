"""Serializer bases shared by every app."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


def _type_error(field: Any, value: Any) -> Any:
    """What is wrong with a JSON value's type for ``field`` (None when nothing is): DRF would
    coerce 0 into "0" or into False, where the schema (and a typed client) says string or
    boolean; such a body is a 400, as the schema promises."""
    if value is None:
        return None
    if isinstance(field, serializers.BaseSerializer) and not isinstance(
        field, serializers.ListSerializer
    ):
        if not isinstance(value, dict):
            return None  # DRF's own message ("expected a dictionary")
        return wrong_types(field, value) or None
    if isinstance(field, serializers.ListSerializer | serializers.ListField):
        if not isinstance(value, list):
            return None
        child = field.child
        errors = {str(i): e for i, v in enumerate(value) if (e := _type_error(child, v))}
        return errors or None
    if isinstance(field, serializers.BooleanField) and not isinstance(value, bool):
        return ["Must be true or false."]
    if isinstance(field, serializers.IntegerField) and (
        isinstance(value, bool) or not isinstance(value, int)
    ):
        return ["Must be an integer."]
    if isinstance(field, serializers.FloatField | serializers.DecimalField) and (
        isinstance(value, bool) or not isinstance(value, int | float)
    ):
        return ["Must be a number."]
    if isinstance(field, serializers.CharField | serializers.ChoiceField) and not isinstance(
        value, str
    ):
        if isinstance(field, serializers.ChoiceField) and not all(
            isinstance(c, str) for c in field.choices
        ):
            return None
        return ["Must be a string."]
    return None


def wrong_types(serializer: Any, data: Any) -> dict[str, Any]:
    """The body fields whose JSON type is not the declared one ({field: [message]})."""
    if not isinstance(data, dict):
        return {}
    fields = getattr(serializer, "fields", {})
    errors: dict[str, Any] = {}
    for name, value in data.items():
        field = fields.get(name)
        if field is not None and not field.read_only:
            error = _type_error(field, value)
            if error:
                errors[name] = error
    return errors


class DeletedSerializer(serializers.Serializer):
    """The answer of a DELETE: the id of what was deleted."""

    id = serializers.UUIDField()
    deleted = serializers.BooleanField()


class QuerySerializer(serializers.Serializer):
    """A route's query parameters: a parameter given empty (``?status=``) is refused like any
    other value outside its rule, not taken as left out."""

    def to_internal_value(self, data: Any) -> Any:
        empty: dict[str, Any] = {
            str(name): ["May not be empty: leave the parameter out instead."]
            for name in self.fields
            if hasattr(data, "get") and name in data and data.get(name) == ""
        }
        if empty:
            raise serializers.ValidationError(empty)
        return super().to_internal_value(data)


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, so a typo or a read-only field is a clear 400, not a
    silent no-op. Reported together with the other fields' errors."""

    def to_internal_value(self, data: Any) -> Any:
        unknown: dict[str, list[str]] = {}
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = {
                key: ["This field is read-only." if key in self.fields else "Unknown field."]
                for key in data
                if key not in writable
            }
        try:
            values = super().to_internal_value(data)
        except serializers.ValidationError as exc:
            if unknown and isinstance(exc.detail, dict):
                raise serializers.ValidationError({**exc.detail, **unknown}) from exc
            raise
        if unknown:
            raise serializers.ValidationError(unknown)
        return values


class StrictModelSerializer(StrictSerializer, serializers.ModelSerializer):
    pass
