"""Settings of a server process a test kills mid-request: the real settings, plus the routes of
tests.vidflow.crash_urls."""

from vidflow.settings import *  # noqa: F403

ROOT_URLCONF = "tests.vidflow.crash_urls"
