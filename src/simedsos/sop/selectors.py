"""Reads of SOPs shared by pages, the workflow engine and (later) the PDF export and API."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404

from simedsos.accounts.authz import GRANTS, Action, authorize, capacities_of, visible_unit_ids
from simedsos.accounts.models import User, WorkUnit
from simedsos.sop.models import Sop, SopStep, SopVersion

SEED_SOP_CODE = "pengelolaan-media-sosial-jdih"


def sop_versions_visible(*, user: User) -> list[SopVersion]:
    """Every version of every SOP the user may read, grouped by SOP, newest revision first."""
    unit_ids = visible_unit_ids(user, Action.SOP_VIEW)
    return list(
        SopVersion.objects.filter(sop__work_unit_id__in=unit_ids)
        .select_related("sop__work_unit", "published_by")
        .annotate(step_count=Count("steps"))
        .order_by("sop__work_unit__code", "sop__title", "sop_id", "-revision")
    )


def sop_editable_unit_ids(user: User) -> set[int]:
    """Units in which the user may edit SOPs (one lookup, for pages listing many versions)."""
    granted, _reaches_down = GRANTS[Action.SOP_EDIT]
    return {c.work_unit.pk for c in capacities_of(user) if c.role in granted}


def sop_version_get(*, user: User, pk: int, action: Action = Action.SOP_VIEW) -> SopVersion:
    """One version with its SOP and unit, after checking that `user` may do `action` on it."""
    version = get_object_or_404(
        SopVersion.objects.select_related("sop__work_unit", "published_by", "based_on"), pk=pk
    )
    authorize(user, action, version.sop.work_unit)
    return version


def sop_version_in_force(*, work_unit: WorkUnit, code: str = SEED_SOP_CODE) -> SopVersion | None:
    """The published version of an SOP of a unit (steps prefetched in order), or None.

    Publishing never takes effect in the future (see sop_version_publish), so the published
    version is the one in force.
    """
    return (
        SopVersion.objects.filter(
            sop__work_unit=work_unit, sop__code=code, status=SopVersion.Status.PUBLISHED
        )
        .select_related("sop__work_unit")
        .prefetch_related(Prefetch("steps", queryset=SopStep.objects.order_by("number")))
        .first()
    )


def sop_get(*, work_unit: WorkUnit, code: str = SEED_SOP_CODE) -> Sop | None:
    return Sop.objects.filter(work_unit=work_unit, code=code).first()


# --- the document ----------------------------------------------------------------------------


@dataclass
class FlowCell:
    """One actor column of one flowchart row; `pieces` are connector segments to draw."""

    role: str
    title: str
    shape: str = ""  # "", "terminator", "process" or "decision"
    pieces: list[str] = field(default_factory=list)

    @property
    def is_actor(self) -> bool:
        return bool(self.shape)


@dataclass
class FlowRow:
    step: SopStep
    cells: list[FlowCell]
    return_to_number: int | None = None


@dataclass
class SopDocument:
    version: SopVersion
    unit: WorkUnit
    columns: list[dict]
    steps: list[SopStep]
    rows: list[FlowRow]
    total_minutes: int


def _shape(step: SopStep, index: int, count: int) -> str:
    if step.kind == SopStep.Kind.DECISION:
        return "decision"
    if index in (0, count - 1):
        return "terminator"
    return "process"


def flowchart_rows(columns: list[dict], steps: list[SopStep]) -> list[FlowRow]:
    """Place each step's symbol in its actor's column and route the arrows between steps.

    Between consecutive steps the line leaves the upper symbol downwards, runs sideways just
    below the row border when the actors differ, and enters the lower symbol from above.
    """
    roles = [c.get("role", "") for c in columns]
    column_of = {role: i for i, role in enumerate(roles)}
    rows: list[FlowRow] = []
    count = len(steps)
    previous: int | None = None
    for index, step in enumerate(steps):
        here = column_of.get(step.actor_role)
        cells = [FlowCell(role=c.get("role", ""), title=c.get("title", "")) for c in columns]
        sideways = index > 0 and None not in (previous, here) and previous != here
        if sideways:
            rightward = here > previous
            low, high = sorted((previous, here))
            for c in range(low, high + 1):
                if c == previous:
                    cells[c].pieces += ["stub", "jog-right" if rightward else "jog-left"]
                elif c == here:
                    cells[c].pieces.append("jog-left" if rightward else "jog-right")
                else:
                    cells[c].pieces.append("jog-full")
        if here is not None:
            cell = cells[here]
            cell.shape = _shape(step, index, count)
            if index > 0:
                cell.pieces.append("in-side" if sideways else "in")
            if index < count - 1:
                cell.pieces.append("out")
        rows.append(
            FlowRow(
                step=step,
                cells=cells,
                return_to_number=step.return_to_number
                if step.kind == SopStep.Kind.DECISION
                else None,
            )
        )
        previous = here
    return rows


def sop_document(*, version: SopVersion) -> SopDocument:
    """Everything the official SOP document shows, in two queries beyond the version itself."""
    steps = list(version.steps.order_by("number"))
    columns = [c for c in version.actor_columns if isinstance(c, dict)]
    return SopDocument(
        version=version,
        unit=version.sop.work_unit,
        columns=columns,
        steps=steps,
        rows=flowchart_rows(columns, steps),
        total_minutes=sum(s.time_standard_minutes for s in steps),
    )
