"""Vendor callback routes, included under ``api/``; ``vendor_jobs.callback_target`` uses the
names."""

from django.urls import path

from .callbacks import AssemblyAICallbackView, KieCallbackView, WaveSpeedCallbackView

urlpatterns = [
    path("kie/callback", KieCallbackView.as_view(), name="kie-callback"),
    path("wavespeed/callback", WaveSpeedCallbackView.as_view(), name="wavespeed-callback"),
    path("assemblyai/callback", AssemblyAICallbackView.as_view(), name="assemblyai-callback"),
]
