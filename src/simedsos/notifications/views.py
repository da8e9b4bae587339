"""The notification list: read, open and mark as read."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from simedsos.notifications.models import Notification
from simedsos.notifications.services import notification_mark_read

PAGE_SIZE = 50


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    """The user's notices, newest first; pages by 50 without counting them all."""
    try:
        page = max(1, int(request.GET.get("halaman", "1")))
    except ValueError:
        page = 1
    start = (page - 1) * PAGE_SIZE
    rows = list(
        Notification.objects.filter(recipient=request.user).order_by("-created_at", "-id")[
            start : start + PAGE_SIZE + 1
        ]
    )
    return render(
        request,
        "notifications/list.html",
        {
            "notifications": rows[:PAGE_SIZE],
            "page": page,
            "has_next": len(rows) > PAGE_SIZE,
            "has_previous": page > 1,
        },
    )


@require_POST
@login_required
def mark_read(request: HttpRequest) -> HttpResponse:
    ids = [int(v) for v in request.POST.getlist("id") if v.isdigit()]
    count = notification_mark_read(user=request.user, notification_ids=ids or None)
    if count:
        messages.success(
            request, _("%(count)s pemberitahuan ditandai sudah dibaca.") % {"count": count}
        )
    return redirect("notifications:list")


@login_required
def open_notification(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark one notice read and go where it points (only within this site)."""
    notice = get_object_or_404(Notification, pk=pk, recipient=request.user)
    notification_mark_read(user=request.user, notification_ids=[notice.pk])
    if notice.link and url_has_allowed_host_and_scheme(
        notice.link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(notice.link)
    return redirect("notifications:list")
