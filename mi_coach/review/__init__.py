"""Review: importing real sessions, reviewing, exporting, redacting, and progress over time.
May import: practice, scoring, coding, base."""
