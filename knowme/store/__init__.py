"""The workspace on disk: `core.Store` (schema, migrations and queries), `workspace` (opening and checking
a file before trusting it), `soundness` (the invariants a workspace keeps), `rows` (what an import hands over).

The package itself exports what callers above it handle: its errors and their one-line description,
so no module outside it needs sqlite3. It does not import `core`: a module the store uses (a rule such as
`knowme.suppression`) may import a part of the package without importing the store back.
"""
from knowme.store.workspace import DatabaseError, NoWorkspace, WorkspaceError, describe_error, is_busy, is_interrupted

__all__ = ["DatabaseError", "NoWorkspace", "WorkspaceError", "describe_error", "is_busy", "is_interrupted"]
