"""`python -m knowme.cli`: the same as the installed `knowme` command."""
from knowme.cli.main import run

run()
