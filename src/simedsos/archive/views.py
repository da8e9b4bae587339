"""Archive pages (login required): search, a package, its ZIP, the export of a period."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from simedsos.accounts.authz import Action, visible_unit_ids
from simedsos.accounts.selectors import PEOPLE_MATCH_LIMIT
from simedsos.accounts.views import people_suggestions
from simedsos.archive import selectors, services
from simedsos.archive.forms import ArchiveExportForm, ArchiveSearchForm
from simedsos.archive.models import DocumentationPackage
from simedsos.archive.zips import zip_stream

PAGE_SIZE = 25


def _search_context(request: HttpRequest, export_form: ArchiveExportForm | None = None) -> dict:
    unit_ids = visible_unit_ids(request.user, Action.CONTENT_VIEW)
    units = list(selectors.archive_units(unit_ids))
    form = ArchiveSearchForm(request.GET or None, units=units, unit_ids=unit_ids)
    entries = selectors.archive_search(request.user, form.filters(), unit_ids=unit_ids)
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "form": form,
        "export_form": export_form or ArchiveExportForm(units=units),
        "page": page,
        "query": query.urlencode(),
        "show_unit": len(units) > 1,
        "has_units": bool(units),
        "people": form.people.result(),
        "person_match_limit": PEOPLE_MATCH_LIMIT,
    }


@login_required
def archive_search(request: HttpRequest) -> HttpResponse:
    return render(request, "archive/search.html", _search_context(request))


@login_required
def person_suggest(request: HttpRequest) -> HttpResponse:
    """Up to ten people of the units whose archive the reader sees, for the Pelaksana field."""
    return people_suggestions(
        request,
        unit_ids=visible_unit_ids(request.user, Action.CONTENT_VIEW),
        text=request.GET.get("person_q", ""),
    )


@login_required
def package_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    package = selectors.package_get_visible(request.user, item_id)
    done = package.status == DocumentationPackage.Status.DONE
    files = services.package_files(package) if done else []
    checked = request.GET.get("periksa") == "1" and done
    return render(
        request,
        "archive/package_detail.html",
        {
            "package": package,
            "item": package.item,
            "files": files,
            "checked": checked,
            "problems": services.package_verify(package) if checked else [],
        },
    )


@login_required
def package_download(request: HttpRequest, item_id: int) -> StreamingHttpResponse:
    package = selectors.package_get_visible(request.user, item_id)
    if package.status != DocumentationPackage.Status.DONE:
        raise Http404(_("Paket dokumentasi ini belum selesai dibuat."))
    folder = f"paket-konten-{package.item_id}"
    response = StreamingHttpResponse(
        zip_stream(services.package_zip_members(package, folder)),
        content_type="application/zip",
    )
    response["Content-Disposition"] = f'attachment; filename="{folder}.zip"'
    return response


@login_required
@require_POST
def archive_export(request: HttpRequest) -> HttpResponse:
    unit_ids = visible_unit_ids(request.user, Action.CONTENT_VIEW)
    units = list(selectors.archive_units(unit_ids))
    form = ArchiveExportForm(request.POST, units=units)
    if form.is_valid():
        start, end = form.bounds()
        unit = next(u for u in units if u.pk == form.cleaned_data["unit"])
        try:
            export = services.archive_export_period(
                actor=request.user, unit=unit, start=start, end=end
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("archive:search")
        return FileResponse(
            export.file, as_attachment=True, filename=export.name, content_type="application/zip"
        )
    context = _search_context(request, export_form=form)
    return render(request, "archive/search.html", context, status=400)
