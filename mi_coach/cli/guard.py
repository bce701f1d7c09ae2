"""The one place errors become a message and an exit code: no traceback reaches a user.

Kept free of the command-line parser so that the entry point's fast path can use it too.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import Any, TypeVar

from mi_coach.base.errors import MiCoachError

F = TypeVar("F", bound=Callable[..., Any])


def guarded(func: F) -> F:
    """Run a command: our errors become one line and exit code 2 (or the error's own), Ctrl-C
    130, a closed pipe a quiet exit, a bug one line and exit code 1 (MI_COACH_DEBUG=1 re-raises)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from mi_coach.cli import term

        try:
            return func(*args, **kwargs)
        except MiCoachError as exc:
            term.error(str(exc))
            raise SystemExit(exc.exit_code) from None
        except KeyboardInterrupt:
            term.error("interrupted")
            raise SystemExit(130) from None
        except BrokenPipeError:
            _quiet_broken_pipe()
            raise SystemExit(0) from None
        except Exception as exc:  # a bug: say so in one line, keep the traceback for debugging
            typer = sys.modules.get("typer")
            if typer is not None and isinstance(exc, typer.Exit):
                raise  # a command's own exit code
            if os.environ.get("MI_COACH_DEBUG"):
                raise
            term.error(
                f"internal error: {type(exc).__name__}: {exc} "
                "(set MI_COACH_DEBUG=1 to see the traceback)"
            )
            raise SystemExit(1) from None

    return wrapper  # type: ignore[return-value]


def _quiet_broken_pipe() -> None:
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except OSError:
        pass
