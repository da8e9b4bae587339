"""URLs of the report pages."""

from django.urls import path

from simedsos.reports import views

app_name = "reports"
urlpatterns = [
    path("", views.report_page, name="report"),
    path("unduh.pdf", views.report_pdf, name="report_pdf"),
    path("unduh.xlsx", views.report_xlsx, name="report_xlsx"),
    path("sop/<int:pk>/pdf/", views.sop_pdf, name="sop_pdf"),
]
