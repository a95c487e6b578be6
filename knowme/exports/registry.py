"""The export-format registry: a format name maps to a small frozen description (docs/style.md §2).

Each format module registers its writers here at import; adding a format touches one module.
`kind` says which export a format belongs to: "safe" writers take the contact rows of the
safe-to-sync file, "outreach" writers take the outreach queue.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO


@dataclass(frozen=True, slots=True)
class Exporter:
    """One output format of one export: its `--format` name, label, file extension and writer."""

    name: str
    kind: str
    label: str
    extension: str
    write: Callable[[TextIO, Any], None]


_REGISTRY: dict[tuple[str, str], Exporter] = {}


def register(exporter: Exporter) -> Exporter:
    _REGISTRY[(exporter.kind, exporter.name)] = exporter
    return exporter


def exporters(kind: str) -> dict[str, Exporter]:
    """The formats of one export kind, in registration order."""
    return {name: exp for (k, name), exp in _REGISTRY.items() if k == kind}


def get(kind: str, name: str) -> Exporter:
    try:
        return _REGISTRY[(kind, name)]
    except KeyError:
        known = ", ".join(exporters(kind)) or "none"
        raise KeyError(f"unknown {kind} export format {name!r} (choose from {known})") from None
