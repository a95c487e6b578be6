"""The workspace on disk: `core.Store` (schema, migrations and queries), `workspace` (opening and checking
a file before trusting it), `soundness` (the invariants a workspace keeps)."""
from knowme.store.core import Store

__all__ = ["Store"]
