from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from accounts import views as account_views
from projects import views as project_views
from vidflow import health
from vidflow.files import ArtifactFileView

api_patterns: list[URLPattern | URLResolver] = [
    path("", include("projects.urls")),
    path("", include("billing.urls")),
    path("", include("vendors.urls")),
    path("files/<str:token>", ArtifactFileView.as_view(), name="artifact-file"),
    path("schema", SpectacularAPIView.as_view(), name="schema"),
    path("docs", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]

urlpatterns = [
    path("", project_views.dashboard, name="dashboard"),
    path("projects/<uuid:project_id>", project_views.project_page, name="project-page"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("api/", include(api_patterns)),
    path("api-auth/", include("rest_framework.urls")),
    path("accounts/signup/", account_views.signup, name="signup"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
]
