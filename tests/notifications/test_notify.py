"""`notify`: one notice per recipient and key, counted, in one statement."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from simedsos.accounts.models import User
from simedsos.notifications.models import Notification
from simedsos.notifications.services import notify
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def _send(recipients, key="k"):
    return notify(recipients=recipients, kind="x", message="Pesan", link="/a/", dedup_key=key)


def test_counts_only_new_recipients_and_never_doubles_up():
    first, second, third = make_user(), make_user(), make_user()
    assert _send([first, second]) == 2
    # The same key again: only the one who has not had it yet gets it, and is counted.
    with CaptureQueriesContext(connection) as captured:
        assert _send([first, second, third]) == 1
    assert len(captured.captured_queries) == 1
    assert _send([first, second, third]) == 0
    assert Notification.objects.filter(dedup_key="k").count() == 3
    # Another key is another notice.
    assert _send([first], key="other") == 1
    assert Notification.objects.filter(recipient=first).count() == 2


def test_inactive_or_missing_recipients_get_nothing():
    active, inactive = make_user(), make_user()
    inactive.is_active = False
    inactive.save()
    with CaptureQueriesContext(connection) as captured:
        assert _send([inactive, None]) == 0
    assert not captured.captured_queries
    assert _send([active, active, inactive]) == 1
    notice = Notification.objects.get()
    assert (notice.recipient, notice.message, notice.link) == (active, "Pesan", "/a/")
    assert notice.created_at is not None and notice.read_at is None


def test_a_query_of_users_is_notified_in_one_statement():
    first, second, inactive, outsider = make_user(), make_user(), make_user(), make_user()
    inactive.is_active = False
    inactive.save()
    chosen = User.objects.filter(pk__in=[first.pk, second.pk, inactive.pk])
    assert _send([first]) == 1
    with CaptureQueriesContext(connection) as captured:
        assert _send(chosen) == 1  # the second; the first had it, the inactive one never
    assert len(captured.captured_queries) == 1
    assert _send(chosen) == 0
    notices = Notification.objects.filter(dedup_key="k").order_by("recipient_id")
    assert [n.recipient for n in notices] == [first, second]
    notice = notices.get(recipient=second)
    assert (notice.kind, notice.message, notice.link, notice.read_at) == ("x", "Pesan", "/a/", None)
    assert notice.created_at is not None
    assert not Notification.objects.filter(recipient=outsider).exists()
