"""Scoring: rubrics and the MITI-style scorecard computed from turn codes.
May import: coding, base."""
