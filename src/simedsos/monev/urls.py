from django.urls import path

app_name = "monev"
urlpatterns: list = []
