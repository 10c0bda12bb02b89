"""Our oauthlib request validator, on django-oauth-toolkit's.

DOT 3.4.1 with oauthlib 4.0.1 (pinned) leaves gaps this closes (see architecture.md):

- ``validate_device_code``: oauthlib 4.0.1 asks the validator for the device_code's status while
  issuing a token; DOT has no such method (an approved code would 500). Our token view has
  already run the RFC 8628 state machine under a row lock; this re-checks and loads the
  approving user and the approved scopes.
- One redemption per device_code: the grant is deleted in the same transaction that saves the
  token pair; if someone else deleted it first, the transaction is rolled back.
- Concurrent refreshes of one refresh token: DOT answers the loser with the winner's *stored*
  tokens, which are "" under hashed storage. We lock first and treat the loser as a reuse.
- RFC 7009: revoking a refresh token revokes its whole family.

And one cost: ``_load_access_token``, on every bearer request, reads the token with its
application and user by one statement written once instead of a queryset built each time
(2 ms of ORM for a 0.1 ms lookup; ``vidflow.rows``). Same rows, same instances; no cache, so a
revoked or deleted token is refused by the very next request.
"""

from __future__ import annotations

import functools
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, connections, router, transaction
from oauth2_provider.models import (
    AbstractApplication,
    get_access_token_model,
    get_application_model,
    get_device_grant_model,
    get_refresh_token_model,
)
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.settings import oauth2_settings
from oauthlib.oauth2.rfc6749 import errors as oauth2_errors
from oauthlib.oauth2.rfc8628.grant_types import DeviceCodeGrant

from vidflow.rows import Columns, fetch_one

from .tokens import checksum

DEVICE_GRANT_TYPE = AbstractApplication.GRANT_DEVICE_CODE


@functools.cache
def _token_columns() -> tuple[Columns[Any], Columns[Any], Columns[Any]]:
    return (
        Columns(get_access_token_model(), "t"),
        Columns(get_application_model(), "a"),
        Columns(get_user_model(), "u"),
    )


@functools.cache
def _token_sql(using: str) -> str:
    """The access token by its digest, with its application and user (both may be absent), as
    ``AccessToken.objects.select_related("application", "user")`` reads them."""
    token, application, user = _token_columns()
    quote = connections[using].ops.quote_name
    fields = {f.name: f for f in token.fields}
    app_fk, user_fk = quote(fields["application"].column), quote(fields["user"].column)
    app_pk = quote(application.model._meta.pk.column)
    user_pk = quote(user.model._meta.pk.column)
    return (
        f"SELECT {token.sql(using)}, {application.sql(using)}, {user.sql(using)} "  # noqa: S608
        f"FROM {token.table(using)} "
        f"LEFT JOIN {application.table(using)} ON a.{app_pk} = t.{app_fk} "
        f"LEFT JOIN {user.table(using)} ON u.{user_pk} = t.{user_fk} "
        f"WHERE t.{quote(fields['token_checksum'].column)} = %s"
    )


def access_token_by_checksum(digest: str) -> Any:
    """The access token whose sha256 digest is ``digest`` with ``.application`` and ``.user``
    loaded, or None."""
    token, application, user = _token_columns()
    using = router.db_for_read(token.model)
    row = fetch_one(_token_sql(using), [digest], using=using)
    if row is None:
        return None
    found = token.instance(row[: len(token)], using)
    app_values = row[len(token) : len(token) + len(application)]
    user_values = row[len(token) + len(application) :]
    fields = {f.name: f for f in token.fields}
    # Absent when the token has none (both columns are nullable): the join answers NULLs.
    app = application.instance(app_values, using) if found.application_id is not None else None
    owner = user.instance(user_values, using) if found.user_id is not None else None
    fields["application"].set_cached_value(found, app)  # type: ignore[attr-defined]
    fields["user"].set_cached_value(found, owner)  # type: ignore[attr-defined]
    return found


class VidflowOAuth2Validator(OAuth2Validator):
    def _load_access_token(self, token: str) -> Any:
        return access_token_by_checksum(checksum(token))

    # --- RFC 8628 -----------------------------------------------------------------------------

    def validate_device_code(self, client_id: str, code: str, request: Any) -> str | None:
        DeviceGrant = get_device_grant_model()
        grants = DeviceGrant.objects.filter(device_code=code, client_id=client_id)
        if connection.in_atomic_block:
            # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the user join.
            grants = grants.select_for_update(of=("self",))
        grant = grants.select_related("user").first()
        if grant is None:
            return None  # oauthlib answers invalid_grant
        if grant.is_expired():
            return DeviceCodeGrant.DEVICE_CODE_EXPIRED
        if grant.status == DeviceGrant.DENIED:
            return DeviceCodeGrant.DEVICE_CODE_DENIED
        if grant.status != DeviceGrant.AUTHORIZED or grant.user is None:
            return DeviceCodeGrant.DEVICE_CODE_PENDING
        request.user = grant.user
        request.scopes = grant.scope.split()
        return DeviceCodeGrant.DEVICE_CODE_AUTHORIZED

    def _save_bearer_token(
        self, token: dict[str, Any], request: Any, *args: Any, **kwargs: Any
    ) -> Any:
        """Consume the device grant with the tokens it pays for (DOT runs this in atomic())."""
        result = super()._save_bearer_token(token, request, *args, **kwargs)
        if request.grant_type == DEVICE_GRANT_TYPE:
            deleted, _ = (
                get_device_grant_model()
                .objects.filter(device_code=request.device_code, client_id=request.client_id)
                .delete()
            )
            if not deleted:
                # Redeemed by a concurrent poll: raising rolls our token rows back and DOT's
                # core answers 400 invalid_grant.
                raise oauth2_errors.InvalidGrantError(request=request)
        return result

    # --- refresh ------------------------------------------------------------------------------

    def save_bearer_token(
        self, token: dict[str, Any], request: Any, *args: Any, **kwargs: Any
    ) -> Any:
        """Lock the presented refresh token before DOT rotates it; if a concurrent refresh has
        rotated it meanwhile, this is a reuse (RFC 9700 §4.14.2): revoke the family and answer
        invalid_grant. Clients refresh one at a time (the SDK does)."""
        presented = getattr(request, "refresh_token_instance", None)
        if request.grant_type != "refresh_token" or presented is None:
            return super().save_bearer_token(token, request, *args, **kwargs)
        RefreshToken = get_refresh_token_model()
        with transaction.atomic(using=router.db_for_write(RefreshToken)):
            locked = RefreshToken.objects.select_for_update().get(pk=presented.pk)
            if locked.revoked is None:
                return super().save_bearer_token(token, request, *args, **kwargs)
        # Outside the (finished) transaction, so the revocation sticks.
        if oauth2_settings.REFRESH_TOKEN_REUSE_PROTECTION and locked.token_family:
            RefreshToken.revoke_family(locked.token_family)
        raise oauth2_errors.InvalidGrantError(request=request)

    # --- RFC 7009 -----------------------------------------------------------------------------

    def revoke_token(
        self, token: str, token_type_hint: str | None, request: Any, *args: Any, **kwargs: Any
    ) -> None:
        """A refresh token takes its whole family with it: every access token of that sign-in.
        DOT then does the rest, always scoped to the calling client (another client's token is
        left alone, and the answer is 200 all the same)."""
        client = getattr(request, "client", None)
        if client is not None:
            RefreshToken = get_refresh_token_model()
            families = set(
                RefreshToken.objects.filter(
                    token_checksum=checksum(token), application=client
                ).values_list("token_family", flat=True)
            )
            for family in families - {None}:
                RefreshToken.revoke_family(family)
        super().revoke_token(token, token_type_hint, request, *args, **kwargs)
