"""SOP pages: thin views over selectors and services."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


@login_required
def version_list(request: HttpRequest) -> HttpResponse:
    return render(request, "sop/version_list.html", {"versions": []})
