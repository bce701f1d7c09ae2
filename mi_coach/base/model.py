"""The base of every record read from a file: unknown fields are refused (a typo is an error, not
a silently ignored key) and a loaded record never changes."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
