"""URLs of the monitoring and evaluation pages."""

from django.urls import path

from simedsos.monev import views

app_name = "monev"
urlpatterns = [
    path("", views.overview, name="list"),
    path("monitoring/isi/", views.monitoring_prefill, name="monitoring_prefill"),
    path("monitoring/<int:pk>/", views.monitoring, name="monitoring"),
    path("monitoring/<int:pk>/pdf/", views.monitoring_pdf, name="monitoring_pdf"),
    path("evaluasi/baru/", views.evaluation_new, name="evaluation_new"),
    path("evaluasi/<int:pk>/", views.evaluation, name="evaluation"),
    path("evaluasi/<int:pk>/revisi/", views.evaluation_revision, name="evaluation_revision"),
    path("evaluasi/<int:pk>/pdf/", views.evaluation_pdf, name="evaluation_pdf"),
]
