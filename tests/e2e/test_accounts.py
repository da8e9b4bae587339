import pytest

from tests.factories import Role, make_unit, make_user

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "rahasia-kuat-2024"


def test_admin_logs_into_admin_and_sees_user_list(new_page):
    unit = make_unit("62")
    admin = make_user(Role.ADMIN, unit, username="admin", password=PASSWORD)
    admin.is_staff = True
    admin.save()
    make_user(Role.STAF, unit, username="stafsatu")

    page = new_page()
    page.goto("/admin/")
    page.locator("#id_username").fill("admin")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url("**/admin/")
    assert "Admin SIMEDSOS JDIH" in page.content()

    page.get_by_role("link", name="Pengguna").first.click()
    page.wait_for_url("**/admin/accounts/user/")
    table = page.locator("#result_list")
    assert table.get_by_role("link", name="stafsatu").is_visible()
    assert table.get_by_role("link", name="admin").is_visible()


def test_staf_is_refused_from_admin(login):
    unit = make_unit("62")
    staf = make_user(Role.STAF, unit, username="staf", password=PASSWORD)
    staf.is_staff = True  # the flag alone must not open the admin
    staf.save()

    page = login("staf", PASSWORD)
    assert page.get_by_role("link", name="Admin").count() == 0
    page.goto("/admin/")
    assert "/admin/login/" in page.url
    assert page.get_by_text("tidak diperbolehkan untuk mengakses halaman ini").is_visible()

    page.goto("/admin/accounts/user/")
    assert "/admin/login/" in page.url
    assert page.locator("#result_list").count() == 0


def test_staf_cannot_sign_into_admin_directly(new_page):
    make_user(Role.STAF, make_unit("62"), username="staf", password=PASSWORD)
    page = new_page()
    page.goto("/admin/login/")
    page.locator("#id_username").fill("staf")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("input[type=submit]").click()
    assert page.get_by_text("tidak memegang peran Admin").is_visible()
    assert "/admin/login/" in page.url
