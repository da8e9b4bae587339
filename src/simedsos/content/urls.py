"""URLs of the content pages (the draft and review pages append theirs to this list)."""

from django.urls import path

from simedsos.content import views
from simedsos.content.draft_urls import urlpatterns as draft_urlpatterns

app_name = "content"
urlpatterns = [
    path("", views.item_list, name="list"),
    path("staf/", views.staff_suggest, name="staff_suggest"),
    path("tugas/", views.inbox, name="inbox"),
    path("baru/", views.dispose, name="dispose"),
    path("<int:pk>/", views.item_page, name="item"),
    # The name the workflow engine puts into notifications (sop.engine.item_link).
    path("<int:pk>/", views.item_page, name="item_detail"),
    path("<int:pk>/perintah-unggah/", views.upload_order, name="upload_order"),
    path("<int:pk>/unggah/", views.publish, name="publish"),
    path("<int:pk>/unggah/mulai/", views.publish_start, name="publish_start"),
    path("<int:pk>/lampiran/<int:file_pk>/", views.attachment_file, name="attachment"),
    path("<int:pk>/bukti/<int:file_pk>/", views.evidence_file, name="evidence"),
    path("<int:pk>/media/<int:file_pk>/", views.media_file, name="media"),
]
# The draft editor, submission and review pages (content/draft_urls.py).
urlpatterns += draft_urlpatterns
