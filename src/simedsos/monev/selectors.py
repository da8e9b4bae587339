"""Reads of monitoring and evaluation forms for pages and exports."""

from __future__ import annotations

from dataclasses import dataclass

from django.shortcuts import get_object_or_404

from simedsos.accounts.authz import (
    GRANTS,
    Action,
    Capacity,
    authorize,
    capacities_of,
    visible_unit_ids,
)
from simedsos.accounts.models import User
from simedsos.monev.models import Evaluation, Monitoring
from simedsos.sop.models import SopVersion


@dataclass
class OverviewRow:
    version: SopVersion
    monitoring: Monitoring | None
    evaluation: Evaluation | None
    can_assess: bool


def assess_unit_ids(user: User, capacities: list[Capacity] | None = None) -> set[int]:
    granted, _down = GRANTS[Action.MONEV_ASSESS]
    if capacities is None:
        capacities = capacities_of(user)
    return {c.work_unit.pk for c in capacities if c.role in granted}


def monev_overview(*, user: User, year: int, half: int) -> list[OverviewRow]:
    """Every non-draft SOP version the user may read about, with that semester's forms."""
    capacities = capacities_of(user)
    unit_ids = visible_unit_ids(user, Action.REPORT_VIEW, capacities=capacities)
    versions = list(
        SopVersion.objects.filter(sop__work_unit_id__in=unit_ids)
        .exclude(status=SopVersion.Status.DRAFT)
        .select_related("sop__work_unit")
        .order_by("sop__work_unit__code", "sop__title", "-revision")
    )
    ids = [v.pk for v in versions]
    monitorings = {
        m.sop_version_id: m
        for m in Monitoring.objects.filter(sop_version_id__in=ids, year=year, half=half)
    }
    evaluations = {
        e.sop_version_id: e
        for e in Evaluation.objects.filter(sop_version_id__in=ids, year=year, half=half)
    }
    assess = assess_unit_ids(user, capacities)
    return [
        OverviewRow(
            version=v,
            monitoring=monitorings.get(v.pk),
            evaluation=evaluations.get(v.pk),
            can_assess=v.sop.work_unit_id in assess,
        )
        for v in versions
    ]


def monitoring_get(*, user: User, pk: int) -> Monitoring:
    monitoring = get_object_or_404(
        Monitoring.objects.select_related("sop_version__sop", "work_unit", "assessor"), pk=pk
    )
    authorize(user, Action.REPORT_VIEW, monitoring.work_unit)
    monitoring.row_list = list(monitoring.rows.order_by("number"))
    return monitoring


def evaluation_get(*, user: User, pk: int) -> Evaluation:
    evaluation = get_object_or_404(
        Evaluation.objects.select_related("sop_version__sop", "work_unit", "assessor", "revision"),
        pk=pk,
    )
    authorize(user, Action.REPORT_VIEW, evaluation.work_unit)
    return evaluation


def evaluation_for_revision(*, version: SopVersion) -> Evaluation | None:
    """The evaluation a (draft) SOP version was started from, if any."""
    return Evaluation.objects.filter(revision=version).select_related("sop_version").first()


def version_get(*, user: User, pk: int) -> SopVersion:
    """An SOP version whose monev forms the user may read."""
    version = get_object_or_404(SopVersion.objects.select_related("sop__work_unit"), pk=pk)
    authorize(user, Action.REPORT_VIEW, version.sop.work_unit)
    return version
