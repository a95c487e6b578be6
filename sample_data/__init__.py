"""The bundled sample address books that `knowme demo` opens, and the script that generates them.

Installed, this folder is `knowme/sample_data/` inside the package; in the repository it stays at the top.
"""
