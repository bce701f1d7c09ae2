"""Practice: scenarios, the session engine, drills and the transcript a session writes.
May import: scoring, coding, base."""
