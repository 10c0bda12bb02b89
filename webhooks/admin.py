from django.contrib import admin

from .models import Attempt, Delivery, Endpoint


@admin.register(Endpoint)
class EndpointAdmin(admin.ModelAdmin):
    list_display = ("url", "owner", "enabled", "failure_streak", "created_at")
    list_filter = ("enabled",)
    search_fields = ("url", "owner__username")
    exclude = ("secret_sealed", "previous_secret_sealed")
    readonly_fields = ("secret_hint", "failure_streak", "disabled_at", "disabled_reason")


class AttemptInline(admin.TabularInline):
    model = Attempt
    extra = 0
    can_delete = False
    readonly_fields = ("number", "at", "response_status", "error", "duration_ms")
    exclude = ("response_excerpt",)


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    list_display = ("event_type", "endpoint", "status", "attempts", "created_at")
    list_filter = ("status", "trigger", "event_type")
    readonly_fields = ("message_id", "body", "attempts", "next_attempt_at", "finished_at")
    inlines = (AttemptInline,)
