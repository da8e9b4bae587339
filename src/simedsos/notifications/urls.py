"""URLs of the notification pages."""

from django.urls import path

from simedsos.notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("baca/", views.mark_read, name="mark_read"),
    path("<int:pk>/buka/", views.open_notification, name="open"),
]
