"""URLs of the memo pages (the public verification page is mounted at /v/<code>/)."""

from django.urls import path

from simedsos.memos import views

app_name = "memos"
urlpatterns = [
    path("", views.memo_list, name="list"),
    path("<int:pk>/", views.memo_detail, name="detail"),
    path("<int:pk>/status/", views.memo_render_status, name="render_status"),
    path("<int:pk>/berkas/<str:which>/", views.memo_file, name="file"),
    path("<int:pk>/lampiran/<int:attachment_pk>/", views.memo_attachment_file, name="attachment"),
    path("<int:pk>/buat-ulang/", views.memo_rerender_view, name="rerender"),
]
