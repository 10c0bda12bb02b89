"""Stage tests reach vendors through the same simulator fixtures as tests/vendors."""

from typing import Any

import pytest

from tests.vendors.conftest import _simulator, deliver, sim  # noqa: F401 (pytest fixtures)


@pytest.fixture(autouse=True)
def _narration_at_the_planning_pace(settings: Any) -> None:
    """The stage tests check what the offline writer wrote (names it drew from the story, words
    per chapter) at the product's planning pace; the voice's own pace is tested in
    tests/projects/stages/test_narration_pace.py and end to end."""
    settings.NARRATION_WORDS_PER_MINUTE = 150
