from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mi_coach.classify import get_classifier


@pytest.fixture(scope="session")
def clf():
    """The process-wide classifier on the default trained pipeline."""
    c = get_classifier()
    assert not c.pipeline.degraded, c.pipeline.warning
    return c


@pytest.fixture()
def runner():
    # A wide, plain terminal so rich output is not wrapped or coloured in assertions.
    return CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"})
