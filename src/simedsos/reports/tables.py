"""The report as tables of values: one source for the HTML page, the PDF and the XLSX.

Values are rounded once, here (minutes and percentages to one decimal, hours to one
decimal, returns per item to two), so every output shows the same figure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from simedsos.reports.selectors import Report, StepFigures

TEXT, INT, DEC1, DEC2 = "text", "int", "dec1", "dec2"


def to_minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def to_hours(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 3600, 1)


def to_percent(share: float | None) -> float | None:
    return None if share is None else round(share * 100, 1)


def cell_text(value, kind: str) -> str:
    """A value as people read it, in the active language (Indonesian: 70,5)."""
    if value is None or value == "":
        return "—"
    if kind == INT and isinstance(value, int):
        return formats.number_format(value, use_l10n=True)
    if kind in (DEC1, DEC2) and isinstance(value, int | float):
        return formats.number_format(value, decimal_pos=1 if kind == DEC1 else 2, use_l10n=True)
    return str(value)


@dataclass
class Column:
    label: str
    kind: str = TEXT


@dataclass
class Table:
    key: str
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    note: str = ""
    # Tables of measures (one per row) format the values by row rather than by column.
    row_kinds: list[str] | None = None

    def text_rows(self) -> list[list[str]]:
        """Display text of every cell, in the active language."""
        if self.row_kinds is not None:
            return [
                [cell_text(row[0], TEXT), *[cell_text(v, kind) for v in row[1:]]]
                for row, kind in zip(self.rows, self.row_kinds, strict=True)
            ]
        return [
            [cell_text(value, column.kind) for value, column in zip(row, self.columns, strict=True)]
            for row in self.rows
        ]

    def cells(self) -> list[list[tuple[str, bool]]]:
        """(text, is_number) of every cell: numbers are right-aligned on the page and PDF."""
        return [
            [(text, self.kind_at(r, c) != TEXT) for c, text in enumerate(row)]
            for r, row in enumerate(self.text_rows())
        ]

    def kind_at(self, row_index: int, column_index: int) -> str:
        if self.row_kinds is not None and column_index > 0:
            return self.row_kinds[row_index]
        return self.columns[column_index].kind


def _standard(f: StepFigures):
    if f.standard_minutes == f.standard_minutes_max:
        return f.standard_minutes
    return f"{f.standard_minutes}–{f.standard_minutes_max}"


def steps_table(report: Report) -> Table:
    table = Table(
        key="langkah",
        title=_("Waktu per langkah SOP"),
        columns=[
            Column(pgettext("nomor urut", "No"), INT),
            Column(_("Kegiatan")),
            Column(_("Waktu baku (menit)"), INT),
            Column(_("Jumlah"), INT),
            Column(_("Median kerja (menit)"), DEC1),
            Column(_("P90 kerja (menit)"), DEC1),
            Column(_("Median tunggu (menit)"), DEC1),
            Column(_("P90 tunggu (menit)"), DEC1),
            Column(_("Dalam waktu baku (%)"), DEC1),
            Column(_("Melebihi waktu baku (kali)"), INT),
        ],
        note=_(
            "Waktu kerja: mulai sampai selesai; waktu tunggu: tiba sampai mulai (waktu berjalan). "
            "P90: persentil ke-90 dengan interpolasi linear."
        ),
    )
    for f in report.steps:
        table.rows.append(
            [
                f.number,
                f.activity,
                _standard(f),
                f.count,
                to_minutes(f.working_median),
                to_minutes(f.working_p90),
                to_minutes(f.waiting_median),
                to_minutes(f.waiting_p90),
                to_percent(f.share_within),
                f.breaches,
            ]
        )
    return table


def items_table(report: Report) -> Table:
    i = report.items
    table = Table(
        key="konten",
        title=_("Waktu dari disposisi sampai terunggah, dan pengembalian"),
        columns=[Column(_("Ukuran")), Column(_("Nilai"), DEC2)],
    )
    rows = [
        (_("Konten selesai"), i.items, INT),
        (_("Konten terunggah"), i.published_items, INT),
        (_("Median waktu disposisi sampai terunggah (jam)"), to_hours(i.lead_median), DEC1),
        (_("P90 waktu disposisi sampai terunggah (jam)"), to_hours(i.lead_p90), DEC1),
        (_("Jumlah pengembalian konsep"), i.returns_total, INT),
        (_("Konten yang pernah dikembalikan"), i.items_returned, INT),
        (
            _("Pengembalian per konten"),
            None if i.returns_per_item is None else round(i.returns_per_item, 2),
            DEC2,
        ),
        (_("Pengembalian terbanyak pada satu konten"), i.returns_max, INT),
    ]
    table.rows = [[label, value] for label, value, _kind in rows]
    table.row_kinds = [kind for _label, _value, kind in rows]
    return table


def _output_table(key: str, title: str, first: str, rows) -> Table:
    return Table(
        key=key,
        title=title,
        columns=[Column(first), Column(_("Unggahan"), INT), Column(_("Konten"), INT)],
        rows=[[r.label, r.posts, r.items] for r in rows],
    )


def workload_table(report: Report) -> Table:
    return Table(
        key="beban",
        title=_("Beban kerja per orang"),
        columns=[
            Column(_("Nama")),
            Column(_("Langkah selesai"), INT),
            Column(_("Konten"), INT),
            Column(_("Total waktu kerja (jam)"), DEC1),
            Column(_("Median waktu kerja (menit)"), DEC1),
            Column(_("Melebihi waktu baku (kali)"), INT),
        ],
        rows=[
            [
                r.name,
                r.runs,
                r.items,
                to_hours(r.working_total),
                to_minutes(r.working_median),
                r.breaches,
            ]
            for r in report.workload
        ],
    )


def comparison_table(report: Report) -> Table | None:
    if not report.compared_units:
        return None
    units = report.compared_units
    table = Table(
        key="perbandingan",
        title=_("Perbandingan satuan kerja"),
        columns=[Column(_("Ukuran")), *[Column(u.name, DEC1) for u in units]],
    )
    kinds = []
    for number in report.step_numbers:
        per_unit = [report.compared_steps.get(u.pk, {}).get(number) for u in units]
        table.rows.append(
            [_("Langkah %(n)s — jumlah") % {"n": number}, *[f.count if f else 0 for f in per_unit]]
        )
        kinds.append(INT)
        table.rows.append(
            [
                _("Langkah %(n)s — median kerja (menit)") % {"n": number},
                *[to_minutes(f.working_median) if f else None for f in per_unit],
            ]
        )
        kinds.append(DEC1)
        table.rows.append(
            [
                _("Langkah %(n)s — dalam waktu baku (%%)") % {"n": number},
                *[to_percent(f.share_within) if f else None for f in per_unit],
            ]
        )
        kinds.append(DEC1)
    items = [report.compared_items[u.pk] for u in units]
    table.rows.append([_("Konten selesai"), *[i.items for i in items]])
    kinds.append(INT)
    table.rows.append(
        [
            _("Median waktu disposisi sampai terunggah (jam)"),
            *[to_hours(i.lead_median) for i in items],
        ]
    )
    kinds.append(DEC1)
    table.rows.append(
        [
            _("Pengembalian per konten"),
            *[None if i.returns_per_item is None else round(i.returns_per_item, 2) for i in items],
        ]
    )
    kinds.append(DEC2)
    table.row_kinds = kinds
    return table


def report_tables(report: Report) -> list[Table]:
    tables = [
        steps_table(report),
        items_table(report),
        _output_table("platform", _("Keluaran per platform"), _("Platform"), report.platforms),
        _output_table(
            "jenis", _("Keluaran per jenis konten"), _("Jenis konten"), report.content_types
        ),
        _output_table("bulan", _("Keluaran per bulan"), _("Bulan"), report.months),
        workload_table(report),
    ]
    comparison = comparison_table(report)
    if comparison is not None:
        tables.append(comparison)
    return tables
