from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path, re_path

from accounts import views as account_views
from billing import views as billing_views
from projects import views as project_views
from vidflow import health
from vidflow.api.docs import RedocView, SchemaView, SwaggerView
from vidflow.files import ArtifactFileView
from vidflow.ratelimit import key_ip, page_rate_limited, ratelimited

api_patterns: list[URLPattern | URLResolver] = [
    path("", include("projects.urls")),
    path("", include("billing.urls")),
    path("", include("projects.pipeline.urls")),
    path("", include("webhooks.urls")),
    path("files/<str:token>", ArtifactFileView.as_view(), name="artifact-file"),
    # With or without a trailing slash, like every API route.
    re_path(r"^schema/?$", SchemaView.as_view(), name="schema"),
    re_path(r"^docs/?$", SwaggerView.as_view(url_name="schema"), name="api-docs"),
    re_path(r"^redoc/?$", RedocView.as_view(url_name="schema"), name="api-redoc"),
]

# Every password form shares one per-address counter on the auth tier, so trying passwords on
# the admin's or the browsable API's log-in page is no way around the limit.
login_limited = ratelimited("auth", key=key_ip, group="auth:login", respond=page_rate_limited)

urlpatterns = [
    path("", project_views.dashboard, name="dashboard"),
    path("projects/<uuid:project_id>", project_views.project_page, name="project-page"),
    path("runs", project_views.runs_page, name="runs-page"),
    path("billing", billing_views.buy_credits, name="billing-page"),
    path("billing/checkout", billing_views.checkout, name="billing-checkout"),
    path("help/real-scripts", project_views.real_scripts_help, name="real-scripts"),
    path("youtube/connected", project_views.youtube_connected, name="youtube-connected"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # OAuth endpoints under /api/oauth/, discovery documents, /device, /connected-apps
    path("", include("oauth_device.urls")),
    path("", include("webhooks.page_urls")),
    path("api/", include(api_patterns)),
    path(
        "api-auth/",
        include(
            (
                [
                    path(
                        "login/",
                        login_limited(
                            auth_views.LoginView.as_view(template_name="rest_framework/login.html")
                        ),
                        name="login",
                    ),
                    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
                ],
                "rest_framework",
            )
        ),
    ),
    path("accounts/signup/", account_views.signup, name="signup"),
    path("accounts/login/", login_limited(auth_views.LoginView.as_view()), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/login/", login_limited(admin.site.login)),
    path("admin/", admin.site.urls),
]
