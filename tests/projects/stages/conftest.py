"""Stage tests reach vendors through the same simulator fixtures as tests/vendors."""

from tests.vendors.conftest import _simulator, deliver, sim  # noqa: F401 (pytest fixtures)
