from __future__ import annotations

import pytest
from typer.testing import CliRunner

from mi_coach.coding.engine import get_classifier


@pytest.fixture(scope="session", autouse=True)
def _session_cache(tmp_path_factory):
    """Session-wide objects (the classifier below) cache into a temporary folder, never the
    user's own cache."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("MI_COACH_CACHE", str(tmp_path_factory.mktemp("session-cache")))
        yield


@pytest.fixture(scope="session")
def clf(_session_cache):
    """The process-wide classifier on the default trained pipeline."""
    c = get_classifier()
    assert not c.pipeline.degraded, c.pipeline.warning
    return c


@pytest.fixture()
def runner():
    # A wide, plain terminal so rich output is not wrapped or coloured in assertions.
    return CliRunner(env={"COLUMNS": "200", "NO_COLOR": "1", "TERM": "dumb"})


@pytest.fixture(autouse=True)
def _isolated_environment(monkeypatch, tmp_path_factory):
    """No test reads a user's content folders or writes to the real data folder; variables a
    command sets (the global --content option) are undone after each test."""
    for name in ("MI_COACH_CONTENT", "MI_COACH_SCENARIOS", "MI_COACH_DRILLS", "MI_COACH_RUBRICS"):
        monkeypatch.setenv(name, "")  # recorded, so a value a command sets is removed afterwards
        monkeypatch.delenv(name)
    from mi_coach.base.paths import use_content_dirs

    use_content_dirs(None)  # a --content given to an earlier invocation in this process is gone
    monkeypatch.setenv("MI_COACH_DATA", str(tmp_path_factory.mktemp("data")))
    monkeypatch.setenv("MI_COACH_CACHE", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.setenv("MI_COACH_CONFIG", str(tmp_path_factory.mktemp("config")))
