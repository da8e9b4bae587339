"""Forms of the monitoring and evaluation pages (parsing only; rules live in services)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from simedsos.monev.models import EVALUATION_QUESTIONS

PENILAIAN_CHOICES = [
    ("baik", _("Berjalan dengan baik")),
    ("tidak", _("Tidak berjalan dengan baik")),
]
YA_TIDAK = [("ya", _("Ya")), ("tidak", _("Tidak"))]


def _to_bool(value: str) -> bool | None:
    return {"baik": True, "ya": True, "tidak": False}.get(value)


def _from_bool(value: bool | None, yes: str) -> str:
    return {True: yes, False: "tidak"}.get(value, "")


class MonitoringForm(forms.Form):
    """One radio group and two text areas per procedure row."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            self.fields[f"r{row.pk}-penilaian"] = forms.ChoiceField(
                label=_("Penilaian prosedur %(n)s") % {"n": row.number},
                choices=PENILAIAN_CHOICES,
                widget=forms.RadioSelect,
                required=False,
                initial=_from_bool(row.berjalan_baik, "baik"),
            )
            self.fields[f"r{row.pk}-catatan"] = forms.CharField(
                label=_("Catatan hasil penilaian"),
                widget=forms.Textarea(attrs={"rows": 4}),
                required=False,
                max_length=2000,
                initial=row.catatan,
            )
            self.fields[f"r{row.pk}-tindakan"] = forms.CharField(
                label=_("Tindakan yang harus diambil"),
                widget=forms.Textarea(attrs={"rows": 3}),
                required=False,
                max_length=2000,
                initial=row.tindakan,
            )

    def row_fields(self):
        for row in self.rows:
            yield (
                row,
                self[f"r{row.pk}-penilaian"],
                self[f"r{row.pk}-catatan"],
                self[f"r{row.pk}-tindakan"],
            )

    def row_values(self) -> dict[int, dict]:
        data = self.cleaned_data
        return {
            row.pk: {
                "berjalan_baik": _to_bool(data[f"r{row.pk}-penilaian"]),
                "catatan": data[f"r{row.pk}-catatan"],
                "tindakan": data[f"r{row.pk}-tindakan"],
            }
            for row in self.rows
        }


class EvaluationForm(forms.Form):
    conclusion = forms.CharField(
        label=_("Kesimpulan"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, evaluation=None, **kwargs):
        super().__init__(*args, **kwargs)
        rows = evaluation.question_rows() if evaluation else [{} for _q in EVALUATION_QUESTIONS]
        for index, question in enumerate(EVALUATION_QUESTIONS, start=1):
            row = rows[index - 1]
            self.fields[f"q{index}"] = forms.ChoiceField(
                label=question,
                choices=YA_TIDAK,
                widget=forms.RadioSelect,
                required=False,
                initial=_from_bool(row.get("answer"), "ya"),
            )
            self.fields[f"n{index}"] = forms.CharField(
                label=_("Catatan"),
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
                max_length=2000,
                initial=row.get("note", ""),
            )
        if evaluation is not None:
            self.fields["conclusion"].initial = evaluation.conclusion

    def question_fields(self):
        for index in range(1, len(EVALUATION_QUESTIONS) + 1):
            yield index, self[f"q{index}"], self[f"n{index}"]

    def answers(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {"answer": _to_bool(data[f"q{i}"]), "note": data[f"n{i}"]}
            for i in range(1, len(EVALUATION_QUESTIONS) + 1)
        ]


class SemesterForm(forms.Form):
    tahun = forms.IntegerField(label=_("Tahun"), min_value=2000, max_value=2100)
    semester = forms.TypedChoiceField(
        label=_("Semester"), coerce=int, choices=[(1, "I"), (2, "II")]
    )
