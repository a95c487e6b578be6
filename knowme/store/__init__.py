"""The workspace on disk: `core.Store` (schema, migrations and queries), `workspace` (opening and checking
a file before trusting it), `soundness` (the invariants a workspace keeps), `rows` (what an import hands over),
`sql` (id lists, JSON text), `reader` (long reads another thread can stop), and one query module per part of
the core, each function named by the question it answers: `suppression`, `exports`, `pairs`, `merging`,
`matchinput`, `views`, `triage`, `sources`, `outreach`, `suggestions`. Only this package holds SQL
(`tests/test_storage_boundary.py`).

The package itself exports what callers above it handle: its errors and their one-line description,
so no module outside it needs sqlite3. It does not import `core`: a module the store uses (a rule such as
`knowme.suppression`) may import a part of the package without importing the store back.
"""
from knowme.store.workspace import DatabaseError, NoWorkspace, WorkspaceError, describe_error, is_busy, is_interrupted

__all__ = ["DatabaseError", "NoWorkspace", "WorkspaceError", "describe_error", "is_busy", "is_interrupted"]
