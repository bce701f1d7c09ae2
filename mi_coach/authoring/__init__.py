"""Authoring for trainers: validation of content, templates, schemas and workshop reports.
May import: review, practice, scoring, coding, base."""
