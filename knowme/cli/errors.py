"""The one error every command raises for something the user can fix."""
from __future__ import annotations


class UserError(Exception):
    """Something the user can fix: printed as one line, exit 1."""
