import pytest

from tests.factories import Role, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def test_user_logs_in_and_sees_home(login):
    make_user(Role.KASUBBAG, username="kasubbag", password="rahasia-kuat-2024")
    page = login("kasubbag", "rahasia-kuat-2024")
    assert page.get_by_role("heading", level=1).inner_text().startswith("Selamat datang")
    assert page.get_by_text("Kepala Subbagian").first.is_visible()


def test_wrong_password_shows_indonesian_message(new_page):
    make_user(Role.STAF, username="staf", password="rahasia-kuat-2024")
    page = new_page()
    page.goto("/akun/masuk/")
    page.get_by_label("Nama pengguna").fill("staf")
    page.get_by_label("Kata sandi").fill("salah")
    page.get_by_role("button", name="Masuk").click()
    assert page.get_by_role("alert").inner_text().startswith("Nama pengguna atau kata sandi salah")
