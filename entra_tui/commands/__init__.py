"""Non-interactive commands behind the CLI; each loads only what it needs."""
