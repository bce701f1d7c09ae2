"""The command line: typer commands, interactive loops and all terminal rendering.
May import every other package; nothing imports it."""
