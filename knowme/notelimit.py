"""How long a connection-request note may be: LinkedIn's limits, in a module of their own so the
settings and the review UI's first screen know them without loading the linter's rules."""

DEFAULT_LIMIT = 300  # characters, with a paid account (the `note-limit` setting's default)
FREE_LIMIT = 200  # characters, with a free account
