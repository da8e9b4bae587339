"""The audit log page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    return render(request, "core/audit_log.html", {"events": []})
