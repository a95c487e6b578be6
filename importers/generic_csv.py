"""Rows to records for every CSV flavour, and the `csv` importer for layouts no flavour claims.

Each flavour says what its columns mean as a list of `Col` (one per header cell); `compile_plan`
turns that into one small action per column, once per file, and `run` applies the actions to
every non-empty cell. Columns nobody maps land in `Record.extras`, so nothing is lost.
Unknown layouts are mapped by column names (`classify`, several languages) plus the user's
explicit `--map field=Column`; when neither finds a name, email or phone column the import is
refused with the headers listed, never guessed.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import compress
from pathlib import Path

from knowme.importers import Importer, ImportOptions, Sniff, register
from knowme.importers.csvio import (
    IDENTITY,
    NAME_FIELDS,
    Col,
    Table,
    classify,
    norm_header,
    parse_mapping,
    read_table,
    sniff_header,
    split_multi,
)

from knowme.model import ImportResult, Labeled, NotAnAddressBook, Problem, Record
from knowme.runtime import bulk_work

Action = Callable[[Record, str, list[str]], None]
_ADDRESS_ORDER = ("street", "street2", "street3", "extended", "pobox", "city", "region", "postal", "country")
_LISTS = {"email": "emails", "phone": "phones", "url": "urls"}
_PROGRESS_EVERY = 4096
_EMAIL_LIKE = re.compile(r"^[^@\s]+@[^@\s]+$")  # a header cell that is really data, an address part that is an email
_EVERY = range(1 << 30)  # compress(_EVERY, row): indices of the non-empty cells, the empty ones skipped in C


@dataclass(slots=True)
class Plan:
    """What to do with each column of one file, worked out once before the first row."""

    header: list[str]
    actions: list[Action | None]  # None: the cell goes to extras under its header
    names: list[str]
    kinds: list[str]
    prepare: Callable[[list[str]], list[str]] | None = None  # e.g. Yahoo's HTML unescaping

    @property
    def identified(self) -> bool:
        """True when some column holds a name, email, phone or URL."""
        return any(kind in IDENTITY for kind in self.kinds)


def compile_plan(header: list[str], cols: list[Col | None],
                 prepare: Callable[[list[str]], list[str]] | None = None) -> Plan:
    """One action per column from the flavour's column meanings (None = extras)."""
    names = [h.strip() or f"column {i + 1}" for i, h in enumerate(header)]
    cols = [c or Col("extra") for c in cols] + [Col("extra")] * (len(header) - len(cols))
    label_at = {c.group: i for i, c in enumerate(cols) if c.kind == "label"}
    grouped: dict[tuple[str, str], list[int]] = {}
    dependents: dict[str, list[int]] = {}
    for i, c in enumerate(cols):
        if c.kind in ("address", "birth"):
            grouped.setdefault((c.kind, c.group), []).append(i)
        if c.label_from:
            dependents.setdefault(c.label_from, []).append(i)
    # per group, built once (a hostile header may repeat one address column thousands of times)
    group_parts = {key: [cols[j].part for j in indices] for key, indices in grouped.items()}
    turns: dict[tuple[str, str], Callable[[list[str]], bool]] = {}
    actions: list[Action | None] = []
    for i, c in enumerate(cols):
        label_i = label_at.get(c.label_from) if c.label_from else None
        if c.kind == "extra":
            actions.append(_extra(names[i], c.convert) if c.convert else None)
        elif c.kind == "label":
            actions.append(_label_only(names[i], dependents.get(c.group, [])))
        elif c.kind in _LISTS:
            actions.append(_labeled(_LISTS[c.kind], c.label, label_i, c.sep, names[i]))
        elif c.kind == "categories":
            actions.append(_categories(c.sep))
        elif c.kind == "address":
            key = ("address", c.group)
            actions.append(_address(grouped[key], group_parts[key], _first_of_row(key, turns), c.label, label_i,
                                    c.sep))
        elif c.kind == "birth":
            key = ("birth", c.group)
            actions.append(_birth(grouped[key], group_parts[key], _first_of_row(key, turns), names[i]))
        elif c.kind == "phonetic":
            actions.append(_append("phonetic"))
        else:
            actions.append(_text(c.kind, names[i], c.convert))
    return Plan(header=list(header), actions=actions, names=names, kinds=[c.kind for c in cols], prepare=prepare)


# Actions get the cell value stripped and non-empty, and the whole row padded to the header's width.

def _extra(name: str, convert: Callable[[str], str]) -> Action:
    """An extra whose converter may blank it (Outlook's `0/0/00`, `Normal`, `False` placeholders)."""
    def act(rec: Record, value: str, row: list[str]) -> None:
        value = convert(value)
        if value:
            rec.extras.append((name, value))
    return act


def _text(attr: str, name: str, convert: Callable[[str], str] | None) -> Action:
    """A one-value field: the first non-empty column wins, later ones are kept as extras."""
    def act(rec: Record, value: str, row: list[str]) -> None:
        if convert is not None:
            value = convert(value)
            if not value:
                return
        if getattr(rec, attr):
            rec.extras.append((name, value))
        else:
            setattr(rec, attr, value)
    return act


def _append(attr: str) -> Action:
    def act(rec: Record, value: str, row: list[str]) -> None:
        old = getattr(rec, attr)
        setattr(rec, attr, f"{old} {value}" if old else value)
    return act


@lru_cache(maxsize=4096)
def clean_label(raw: str) -> str:
    """`* Home` -> `home`: Google's star marks the primary value; labels are compared in lower case."""
    return raw.strip().lstrip("*").strip().lower()


def _labeled(attr: str, label: str, label_i: int | None, sep: str, name: str) -> Action:
    """Email/phone/URL values, split on `sep`, labelled by a fixed label or by a label column.

    Exchange-internal addresses (`/o=ExchangeLabs/…`, Outlook's `EX` type) are no email: extras.
    """
    if attr != "emails" and label_i is None and not sep:
        def plain(rec: Record, value: str, row: list[str]) -> None:
            getattr(rec, attr).append(Labeled(value, label))
        return plain
    is_email = attr == "emails"

    def act(rec: Record, value: str, row: list[str]) -> None:
        if is_email and value.startswith(("/o=", "/O=")):
            rec.extras.append((name, value))
            return
        lab = label if label_i is None else (clean_label(row[label_i]) or label)
        target = getattr(rec, attr)
        if not sep or sep not in value:
            target.append(Labeled(value, lab))
            return
        values = split_multi(value, sep)
        raw = row[label_i] if label_i is not None else ""
        parts = raw.split(sep) if sep in raw else []
        labels = [clean_label(p) for p in parts] if len(parts) == len(values) else [lab] * len(values)
        target.extend(Labeled(v, lb) for v, lb in zip(values, labels))
    return act


def _label_only(name: str, dependents: list[int]) -> Action:
    """A label column: used by its value columns; kept as an extra only when they are all empty."""
    def act(rec: Record, value: str, row: list[str]) -> None:
        for j in dependents:
            if row[j] and row[j].strip():
                return
        rec.extras.append((name, value))
    return act


@lru_cache(maxsize=4096)
def _category_names(value: str, sep: str) -> tuple[str, ...]:
    use = sep or (";" if ";" in value else ",")
    names = (part.strip().lstrip("*").strip() for part in value.split(use))
    return tuple(dict.fromkeys(name for name in names if name))


def _categories(sep: str) -> Action:
    """Groups/labels: `* myContacts ::: * starred` -> myContacts, starred (the star is Google's system mark)."""
    def act(rec: Record, value: str, row: list[str]) -> None:
        categories = rec.categories
        if not categories:
            categories.extend(_category_names(value, sep))
            return
        for name in _category_names(value, sep):
            if name not in categories:
                categories.append(name)
    return act


def _first_of_row(key: tuple[str, str], turns: dict[tuple[str, str], Callable[[list[str]], bool]]
                  ) -> Callable[[list[str]], bool]:
    """The group's shared check: True only for its first non-empty part in a row, which builds the group.

    Actions run in column order on non-empty cells only, so the first call for a row is that part;
    remembering the row (instead of re-reading the earlier columns) keeps wide groups linear.
    """
    if key not in turns:
        last: list[list[str] | None] = [None]

        def first(row: list[str]) -> bool:
            if last[0] is row:
                return False
            last[0] = row
            return True

        turns[key] = first
    return turns[key]


ADDRESS_PARTS = "address parts the formatted address leaves out"


def _address(indices: list[int], parts: list[str], first: Callable[[list[str]], bool], label: str,
             label_i: int | None, sep: str) -> Action:
    """Address parts in several columns become one address (Google's `Formatted` wins over the parts)."""
    def act(rec: Record, value: str, row: list[str]) -> None:
        if not first(row):
            return
        cells: dict[str, str] = {}
        lab = (clean_label(row[label_i]) if label_i is not None else "") or label
        for part, j in zip(parts, indices):
            cell = row[j].strip()
            if _EMAIL_LIKE.match(cell):  # an email column whose translated name read as an address
                rec.emails.append(Labeled(cell, lab))
            elif cell:  # two columns for one part (`Home Address` and `Home Street`): both kept
                cells[part] = f"{cells[part]}, {cell}" if part in cells else cell
        if not cells:
            return
        formatted = cells.pop("formatted", "")
        if formatted:
            values = split_multi(formatted, sep) if sep else [formatted]
            # the parts the formatted text does not hold (a city alone there, the street in its column):
            # kept beside it, word for word, as nothing is dropped unseen
            left = [cells[p] for p in _ADDRESS_ORDER if cells.get(p) and cells[p].casefold() not in formatted.casefold()]
            if left:
                rec.extras.append((ADDRESS_PARTS, ", ".join(left)))
        else:
            values = [", ".join(cells[p] for p in _ADDRESS_ORDER if cells.get(p))]
        rec.addresses.extend(Labeled(v, lab) for v in values)
    return act


def _birth(indices: list[int], parts: list[str], first: Callable[[list[str]], bool], name: str) -> Action:
    """Thunderbird's Birth Year/Month/Day -> ISO `1970-11-15` (or `--11-15` without a year)."""
    def act(rec: Record, value: str, row: list[str]) -> None:
        if not first(row):
            return
        got = {p: row[j].strip() for p, j in zip(parts, indices)}
        y, m, d = got.get("year", ""), got.get("month", ""), got.get("day", "")
        if m.isdigit() and d.isdigit() and (not y or y.isdigit()) and 1 <= int(m) <= 12:
            iso = f"{y.zfill(4) if y else '-'}-{int(m):02d}-{int(d):02d}"
        else:
            iso = "-".join(x for x in (y, m, d) if x)
        if rec.birthday:
            rec.extras.append((name, iso))
        else:
            rec.birthday = iso
    return act


def run(table: Table, plan: Plan, fmt: str, options: ImportOptions,
        rows: Iterator[tuple[int, list[str]]] | None = None) -> ImportResult:
    """Apply the plan to every row: records, plus a problem for each row that names nobody.

    Blank rows are skipped and not counted; every other row takes the next `index`, including
    a row reported as naming nobody. Cells beyond the header are kept as extras `column N`.
    The cyclic garbage collector is paused meanwhile: it only finds nothing to free among the
    freshly built records, and rescanning them costs more than the parsing itself.
    """
    result = ImportResult(format=fmt)
    result.reading = {"encoding": table.encoding, "delimiter": table.delimiter, "header_line": table.header_line,
                      "columns": [[name, kind] for name, kind in zip(plan.names, plan.kinds)]}
    records, problems = result.records, result.problems
    actions, names, prepare = list(plan.actions), list(plan.names), plan.prepare
    width = len(actions)
    source, index, count = table.source, 0, 0
    cancelled = options.cancelled
    pad = [""] * width
    with bulk_work():
        for line, row in rows if rows is not None else table.rows():
            count += 1
            if count % _PROGRESS_EVERY == 0:
                options.report(table.size * min(line, table.total_lines) // table.total_lines, table.size)
                if cancelled is not None and cancelled():
                    problems.append(Problem(source, line, "import cancelled; the rows from here on were not read",
                                            incomplete=True))
                    break
            if prepare is not None:
                row = prepare(row)
            if len(row) != width:
                if len(row) < width:
                    row = row + pad[len(row):]
                elif len(row) > len(actions):  # cells beyond the header: extras `column N`
                    actions.extend([None] * (len(row) - len(actions)))
                    names.extend(f"column {n}" for n in range(len(names) + 1, len(row) + 1))
            rec = Record(source, 0, line)
            extras = rec.extras
            filled = False
            for i in compress(_EVERY, row):
                value = row[i].strip()
                if not value:
                    continue
                filled = True
                act = actions[i]
                if act is None:
                    extras.append((names[i], value))
                else:
                    act(rec, value, row)
            if (rec.emails or rec.phones or rec.urls or rec.formatted_name or rec.given or rec.family
                    or rec.middle or rec.prefix or rec.suffix or rec.nickname or rec.org):  # = not rec.is_empty
                index += 1
                rec.index = index
                records.append(rec)
            elif filled:
                index += 1
                problems.append(Problem(source, line, f"row {index} has no name, email or phone"))
    options.report(table.size, table.size)
    problems.extend(table.problems)
    problems.sort(key=lambda p: p.line)
    return result


def parse_with(path: Path, fmt: str, options: ImportOptions,
               columns: Callable[[list[str]], list[Col | None]],
               prepare: Callable[[list[str]], list[str]] | None = None) -> ImportResult:
    """What every flavour's `parse` does: read, map the header, refuse a layout with no name/email/phone.

    A `--map` given with a flavour overrides that flavour's meaning of the mapped columns.
    """
    table = read_table(path)
    cols = columns(table.header)
    if options.mapping:
        cols = _resolve(table.header, cols, parse_mapping(options.mapping), headerless=False)
    plan = compile_plan(table.header, cols, prepare)
    if not plan.identified:
        raise NotAnAddressBook(f"unknown CSV layout; headers: {table.headers_text()}; "
                               "pass --format csv --map field=Column")
    _say_if_nameless(table, plan)
    return run(table, plan, fmt, options)


def _say_if_nameless(table: Table, plan: Plan) -> None:
    """A problem when no column reads as a name while some are not understood (a translation we lack?):
    the people would be named by an address or a number, and the user should hear why."""
    if any(kind in NAME_FIELDS for kind in plan.kinds):
        return
    unknown = [name for name, kind in zip(plan.header, plan.kinds) if kind == "extra" and name.strip()]
    if unknown:
        shown = ", ".join(unknown[:8]) + (" …" if len(unknown) > 8 else "")
        table.problems.append(Problem(table.source, table.header_line,
                                      f"no column is read as a name (not understood, kept as they are: {shown}); "
                                      "name them with --map first=Column --map last=Column"))


def _parse(path: Path, options: ImportOptions) -> ImportResult:
    table = read_table(path)
    mapping = parse_mapping(options.mapping)
    header = table.header
    heuristic = _disambiguate(header, [classify(norm_header(h)) for h in header])
    known = any(c is not None and c.kind in IDENTITY for c in heuristic)
    by_number = bool(mapping) and all(column.isdigit() for column in mapping)
    headerless = not known and (by_number or any(_EMAIL_LIKE.match(h) for h in header))
    if headerless and not by_number:
        raise NotAnAddressBook(f"no header row (first row: {table.headers_text(6)}); "
                               "pass --map field=N with 1-based column numbers")
    cols = _resolve(header, heuristic, mapping, headerless)
    plan = compile_plan([f"column {i + 1}" for i in range(len(header))] if headerless else header, cols)
    if not plan.identified:
        raise NotAnAddressBook(f"unknown CSV layout; headers: {table.headers_text()}; pass --map field=Column")
    if not headerless:
        _say_if_nameless(table, plan)
    rows = table.rows()
    if headerless:
        rows = _chain_first((table.header_line, header), rows)
    return run(table, plan, "csv", options, rows)


def _disambiguate(header: list[str], cols: list[Col | None]) -> list[Col | None]:
    """French `Nom` is the surname next to a `Prénom`, else the whole name; Spanish `Nombre` likewise."""
    kinds = {c.kind for c in cols if c is not None}
    out = list(cols)
    for i, raw in enumerate(header):
        key = norm_header(raw)
        if (key == "nom" and "given" not in kinds) or (key in ("nombre", "nome") and "family" not in kinds):
            out[i] = Col("formatted_name")
    return out


def _chain_first(first: tuple[int, list[str]],
                 rest: Iterator[tuple[int, list[str]]]) -> Iterator[tuple[int, list[str]]]:
    yield first
    yield from rest


def _resolve(header: list[str], heuristic: list[Col | None], mapping: dict[str, Col],
             headerless: bool) -> list[Col | None]:
    """Heuristic column meanings overridden by the explicit mapping (a mapped field wins its column)."""
    cols = [None] * len(header) if headerless else list(heuristic)
    normed = [norm_header(h) for h in header]
    for wanted, col in mapping.items():
        if wanted.isdigit():
            i = int(wanted) - 1
            if not 0 <= i < len(header):
                raise NotAnAddressBook(f"--map column {wanted} is out of range (the file has {len(header)} columns)")
        elif norm_header(wanted) in normed:
            i = normed.index(norm_header(wanted))
        else:
            raise NotAnAddressBook(f"--map {col.kind}={wanted}: no such column; headers: {', '.join(header)}")
        if col.kind not in ("email", "phone", "url", "address", "categories"):
            cols = [None if c is not None and c.kind == col.kind else c for c in cols]
        cols[i] = col
    return cols


def detect(sniff: Sniff) -> int:
    """10 when some column is a name, email or phone; 5 for a headerless file with addresses in row 1."""
    if sniff.is_dir:
        return 0
    keys = sniff_header(sniff.head)
    if not keys:
        return 0
    if any((c := classify(k)) is not None and c.kind in IDENTITY for k in keys):
        return 10
    return 5 if len(keys) > 1 and any(_EMAIL_LIKE.match(k) for k in keys) else 0


register(Importer(name="csv", label="CSV (columns matched by name, or --map)", detect=detect, parse=_parse))
