"""URLs of the SOP pages."""

from django.urls import path

from simedsos.sop import views

app_name = "sop"
urlpatterns = [
    path("", views.version_list, name="list"),
    path("<int:pk>/", views.document, name="document"),
    path("<int:pk>/salin/", views.copy, name="copy"),
    path("<int:pk>/ubah/", views.edit, name="edit"),
    path("<int:pk>/terbitkan/", views.publish, name="publish"),
    path("<int:pk>/hapus/", views.discard, name="discard"),
    path("<int:pk>/langkah/tambah/", views.step_form, name="step_add"),
    path("<int:pk>/langkah/<int:step_pk>/ubah/", views.step_form, name="step_edit"),
    path("<int:pk>/langkah/<int:step_pk>/hapus/", views.step_delete, name="step_delete"),
    path("<int:pk>/langkah/<int:step_pk>/pindah/", views.step_move, name="step_move"),
]
