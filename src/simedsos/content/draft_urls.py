"""URLs of the draft editor, submission and review pages (included by content/urls.py)."""

from django.urls import path

from simedsos.content import draft_views, review_views

urlpatterns = [
    path("<int:pk>/konsep/", draft_views.draft_edit, name="draft_edit"),
    path("<int:pk>/konsep/simpan/", draft_views.draft_autosave, name="draft_autosave"),
    path("<int:pk>/konsep/pratinjau/", draft_views.draft_preview, name="draft_preview"),
    path("<int:pk>/konsep/media/", draft_views.media_add_view, name="media_add"),
    path("media/<int:media_id>/ubah/", draft_views.media_update_view, name="media_update"),
    path("media/<int:media_id>/hapus/", draft_views.media_remove_view, name="media_remove"),
    path("media/<int:media_id>/berkas/", draft_views.media_file, name="media_file"),
    path("<int:pk>/konsep/serahkan/", draft_views.draft_submit_view, name="draft_submit"),
    path("<int:pk>/periksa/", review_views.review, name="review"),
    path("<int:pk>/periksa/catatan/", review_views.review_comment, name="review_comment"),
    path("<int:pk>/periksa/keputusan/", review_views.review_decide, name="review_decide"),
]
