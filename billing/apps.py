from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "Billing"

    def ready(self) -> None:
        from accounts.services import on_user_created

        from .services import account_open

        def open_account(user: object) -> None:
            """Every new account gets its credit account and the sign-up grant, in sign-up's
            transaction."""
            account_open(user=user)  # type: ignore[arg-type]

        on_user_created(open_account)
