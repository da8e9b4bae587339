"""Pages: Akun Media Sosial (list, add, connect, test, disconnect, OAuth callback) and the
publication actions (retry one account, a person's decision). Thin: parse, call a service,
show the outcome."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from simedsos.accounts.authz import Action, authorize
from simedsos.accounts.models import WorkUnit

from . import oauth, services
from .forms import AccountCreateForm, BlueskyConnectForm, DecideForm, TelegramConnectForm
from .models import Publication, SocialAccount
from .platforms.base import Credentials
from .selectors import accounts_visible, managed_unit_ids


def _errors(exc: ValidationError) -> list[str]:
    return list(exc.messages)


def _report_messages(request, report) -> None:
    if report.ok:
        who = report.account_name or report.account_handle
        messages.success(request, f"Sambungan berhasil diuji{': ' + who if who else ''}.")
    for problem in report.problems:
        messages.error(request, problem)
    for note in report.notes:
        messages.info(request, note)


@login_required
def account_list(request: HttpRequest) -> HttpResponse:
    accounts = list(accounts_visible(request.user))
    now = timezone.now()
    managed = managed_unit_ids(request.user)
    rows = [
        {
            "account": a,
            "warning": services.expiry_warning(a, now),
            "can_manage": a.work_unit_id in managed,
        }
        for a in accounts
    ]
    return render(
        request,
        "publishing/account_list.html",
        {"rows": rows, "can_add": bool(managed), "key_problems": services.key_problems()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def account_create(request: HttpRequest) -> HttpResponse:
    units = list(WorkUnit.objects.filter(pk__in=managed_unit_ids(request.user)).order_by("name"))
    if not units:
        raise PermissionDenied("Hanya Admin yang dapat menambah akun media sosial.")
    form = AccountCreateForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        unit = next(u for u in units if u.pk == data["work_unit"])
        try:
            account = services.account_create(
                actor=request.user,
                work_unit=unit,
                platform=data["platform"],
                name=data["name"],
                handle=data["handle"],
                profile_url=data["profile_url"],
                external_id=data["external_id"],
                page_id=data["page_id"],
            )
        except ValidationError as exc:
            _add_form_errors(form, exc)
        else:
            messages.success(request, f"Akun {account} ditambahkan. Hubungkan ke API bila perlu.")
            return redirect("publishing:account_connect", pk=account.pk)
    return render(request, "publishing/account_form.html", {"form": form})


def _add_form_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _managed_account(request: HttpRequest, pk: int) -> SocialAccount:
    account = get_object_or_404(SocialAccount.objects.select_related("work_unit"), pk=pk)
    authorize(request.user, Action.SOCIAL_ACCOUNT_MANAGE, account.work_unit)
    return account


@login_required
@require_http_methods(["GET", "POST"])
def account_connect(request: HttpRequest, pk: int) -> HttpResponse:
    account = _managed_account(request, pk)
    platform = account.platform
    form = None
    if platform == "TELEGRAM":
        form = TelegramConnectForm(
            request.POST or None, initial={"chat_id": account.chat_id or account.handle}
        )
    elif platform == "BLUESKY":
        form = BlueskyConnectForm(request.POST or None, initial={"identifier": account.handle})
    problems = services.key_problems()
    if request.method == "POST" and not problems:
        try:
            if oauth.uses_oauth(platform):
                url, _state = oauth.authorization_url(
                    request.session,
                    account_id=account.pk,
                    platform=platform,
                    redirect_uri=request.build_absolute_uri(reverse("publishing:oauth_callback")),
                    page_id=account.page_id,
                    external_id=account.external_id,
                )
                return redirect(url)
            if form is not None and form.is_valid():
                report = _connect_with_form(request, account, form.cleaned_data)
                _report_messages(request, report)
                messages.success(request, f"Akun {account} terhubung.")
                return redirect("publishing:account_list")
        except ValidationError as exc:
            for message in _errors(exc):
                messages.error(request, message)
    return render(
        request,
        "publishing/account_connect.html",
        {
            "account": account,
            "form": form,
            "uses_oauth": oauth.uses_oauth(platform),
            "key_problems": problems,
        },
    )


def _connect_with_form(request, account: SocialAccount, data: dict):
    if account.platform == "TELEGRAM":
        credentials = Credentials(access_token=data["bot_token"].strip())
        ref = {"chat_id": data["chat_id"]}
        via = "bot_token"
    else:
        credentials = Credentials(
            extra={"identifier": data["identifier"].strip(), "app_password": data["app_password"]}
        )
        ref = {}
        via = "app_password"
    return services.account_connect(
        actor=request.user, account=account, credentials=credentials, via=via, ref_changes=ref
    )


@login_required
@require_GET
def oauth_callback(request: HttpRequest) -> HttpResponse:
    try:
        remembered = oauth.take_state(request.session, request.GET.get("state", ""))
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect("publishing:account_list")
    account = _managed_account(request, remembered["account"])
    if request.GET.get("error"):
        messages.error(
            request,
            f"Penghubungan akun {account} dibatalkan atau ditolak di platform "
            f"({request.GET.get('error_description') or request.GET['error']}). Akun tetap "
            "diunggah secara manual sampai dihubungkan.",
        )
        return redirect("publishing:account_list")
    try:
        credentials, ref = oauth.exchange_code(remembered, request.GET.get("code", ""))
        ref = oauth.check_identity(account, ref)
        report = services.account_connect(
            actor=request.user,
            account=account,
            credentials=credentials,
            via="oauth",
            ref_changes=ref,
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("publishing:account_list")
    messages.success(request, f"Akun {account} terhubung.")
    _report_messages(request, report)
    return redirect("publishing:account_list")


@login_required
@require_POST
def account_test_view(request: HttpRequest, pk: int) -> HttpResponse:
    account = _managed_account(request, pk)
    try:
        report = services.account_test(actor=request.user, account=account)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        _report_messages(request, report)
    return redirect("publishing:account_list")


@login_required
@require_POST
def account_disconnect_view(request: HttpRequest, pk: int) -> HttpResponse:
    account = _managed_account(request, pk)
    services.account_disconnect(actor=request.user, account=account)
    messages.success(
        request,
        f"Akun {account} diputus. Unggahan ke akun ini selanjutnya dilakukan secara manual.",
    )
    return redirect("publishing:account_list")


def _back(request: HttpRequest, pub: Publication) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}):
        return target
    from simedsos.sop.engine import item_link

    return item_link(pub.item_id) or reverse("publishing:account_list")


@login_required
@require_POST
def publication_retry_view(request: HttpRequest, pk: int) -> HttpResponse:
    pub = get_object_or_404(Publication.objects.select_related("account"), pk=pk)
    try:
        services.publication_retry(actor=request.user, publication=pub)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"Unggahan ke {pub.account} dicoba lagi.")
    return redirect(_back(request, pub))


@login_required
@require_http_methods(["GET", "POST"])
def publication_decide_view(request: HttpRequest, pk: int) -> HttpResponse:
    pub = get_object_or_404(Publication.objects.select_related("account", "item"), pk=pk)
    authorize(request.user, Action.PUBLICATION_ACT, pub.item.work_unit)
    form = DecideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.publication_decide(
                actor=request.user,
                publication=pub,
                live=data["decision"] == "live",
                url=data.get("url") or "",
                went_live_at=data.get("went_live_at"),
            )
        except ValidationError as exc:
            _add_form_errors(form, exc)
        else:
            messages.success(request, f"Keputusan untuk unggahan ke {pub.account} dicatat.")
            return redirect(_back(request, pub))
    return render(
        request,
        "publishing/publication_decide.html",
        {"pub": pub, "form": form, "next": request.GET.get("next", "")},
    )
