from django.contrib import admin

from simedsos.worktime.models import Holiday


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "work_unit"]
    list_filter = ["work_unit"]
    date_hierarchy = "date"
