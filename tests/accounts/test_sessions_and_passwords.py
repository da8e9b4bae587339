import datetime
import re

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from tests.factories import Role, make_user

pytestmark = pytest.mark.django_db

OLD = "kata-sandi-lama-123"
NEW = "Padi-Menguning-di-Kahayan-7"


@pytest.fixture
def staf():
    user = make_user(Role.STAF, username="staf", password=OLD)
    user.email = "staf@kpu-kalteng.test"
    user.save()
    return user


def _login(client, username, password):
    return client.post(reverse("accounts:login"), {"username": username, "password": password})


class TestSessions:
    @pytest.fixture(autouse=True)
    def _sessions_in_database(self, settings):
        # These read the expiry from the session table; with REDIS_URL set (CI's PostgreSQL
        # pass) sessions live in Redis, whose expiry tests/scale/test_redis.py covers.
        settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"

    def test_expired_session_redirects_to_login(self, client, staf):
        assert _login(client, "staf", OLD).status_code == 302
        assert client.get(reverse("home")).status_code == 200
        Session.objects.update(expire_date=timezone.now() - datetime.timedelta(seconds=1))
        response = client.get(reverse("home"))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("accounts:login"))

    def test_a_request_after_the_refresh_interval_restarts_the_idle_clock(
        self, client, staf, settings, monkeypatch
    ):
        from simedsos.core import session_refresh

        _login(client, "staf", OLD)
        # Pretend the session was last used long ago but has not yet expired.
        almost = timezone.now() + datetime.timedelta(minutes=1)
        Session.objects.update(expire_date=almost)
        later = session_refresh.time.time() + settings.SESSION_REFRESH_SECONDS
        monkeypatch.setattr(session_refresh.time, "time", lambda: later)
        assert client.get(reverse("home")).status_code == 200
        session = Session.objects.get()
        age = (session.expire_date - timezone.now()).total_seconds()
        assert age > settings.SESSION_COOKIE_AGE - 60

    def test_requests_within_the_interval_do_not_write_the_session(self, client, staf):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        _login(client, "staf", OLD)
        client.get(reverse("home"))
        expiry = Session.objects.get().expire_date
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("home")).status_code == 200
        writes = [q["sql"] for q in captured if "django_session" in q["sql"]]
        assert all(sql.lstrip().upper().startswith("SELECT") for sql in writes), writes
        assert Session.objects.get().expire_date == expiry

    def test_cookie_ends_with_the_browser(self, client, staf):
        response = _login(client, "staf", OLD)
        cookie = response.cookies["sessionid"]
        assert not cookie["expires"] and not cookie["max-age"]

    def test_logout_ends_session(self, client, staf):
        _login(client, "staf", OLD)
        client.post(reverse("accounts:logout"))
        assert client.get(reverse("home")).status_code == 302


class TestPasswordChange:
    def test_change_then_login_with_new(self, client, staf):
        _login(client, "staf", OLD)
        response = client.post(
            reverse("accounts:password_change"),
            {"old_password": OLD, "new_password1": NEW, "new_password2": NEW},
        )
        assert response.status_code == 302
        assert response["Location"] == reverse("accounts:password_change_done")
        # Still signed in after the change (the session hash is updated).
        assert client.get(reverse("home")).status_code == 200
        client.post(reverse("accounts:logout"))
        assert _login(client, "staf", OLD).status_code == 200
        assert _login(client, "staf", NEW).status_code == 302

    def test_wrong_old_password_explained_in_indonesian(self, client, staf):
        _login(client, "staf", OLD)
        response = client.post(
            reverse("accounts:password_change"),
            {"old_password": "salah", "new_password1": NEW, "new_password2": NEW},
        )
        assert response.status_code == 200
        assert "Sandi lama Anda yang dimasukkan salah" in response.content.decode()

    def test_requires_login(self, client):
        response = client.get(reverse("accounts:password_change"))
        assert response.status_code == 302


class TestPasswordReset:
    def test_full_flow(self, client, staf):
        response = client.post(reverse("accounts:password_reset"), {"email": staf.email})
        assert response["Location"] == reverse("accounts:password_reset_done")
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == [staf.email]
        assert message.subject == "Atur ulang kata sandi SIMEDSOS JDIH"
        assert message.body.startswith(f"Yth. {staf.full_name},")
        assert "Buka tautan berikut dalam 2 jam" in message.body
        assert "Nama pengguna Anda: staf" in message.body

        link = re.search(r"https?://[^/\s]+(/akun/atur-ulang/\S+/)", message.body).group(1)
        response = client.get(link)
        # Django swaps the token for a session marker and redirects to the form.
        assert response.status_code == 302
        form_url = response["Location"]
        page = client.get(form_url)
        assert "Buat kata sandi baru" in page.content.decode()
        response = client.post(form_url, {"new_password1": NEW, "new_password2": NEW})
        assert response["Location"] == reverse("accounts:password_reset_complete")

        assert _login(client, "staf", OLD).status_code == 200
        assert _login(client, "staf", NEW).status_code == 302
        # The link works once only.
        client.post(reverse("accounts:logout"))
        reused = client.get(link, follow=True)
        assert "Tautan tidak berlaku" in reused.content.decode()

    def test_unknown_address_reveals_nothing_and_sends_nothing(self, client, staf):
        response = client.post(
            reverse("accounts:password_reset"), {"email": "tidak-ada@kpu-kalteng.test"}
        )
        assert response["Location"] == reverse("accounts:password_reset_done")
        assert mail.outbox == []

    def test_mismatched_new_passwords_explained_in_indonesian(self, client, staf):
        client.post(reverse("accounts:password_reset"), {"email": staf.email})
        link = re.search(r"(/akun/atur-ulang/\S+/)", mail.outbox[0].body).group(1)
        form_url = client.get(link)["Location"]
        response = client.post(form_url, {"new_password1": NEW, "new_password2": NEW + "x"})
        assert response.status_code == 200
        assert "Dua bidang sandi tidak cocok" in response.content.decode()
