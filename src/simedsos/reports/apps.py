from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "simedsos.reports"
    verbose_name = "Laporan"

    def ready(self) -> None:
        from django.db import connections
        from django.db.backends.signals import connection_created

        from simedsos.reports.db import register_sqlite_functions

        connection_created.connect(register_sqlite_functions, dispatch_uid="simedsos_sqlite_fns")
        # A connection opened before this app was ready (e.g. by a check) gets it too.
        for connection in connections.all(initialized_only=True):
            if connection.connection is not None:
                register_sqlite_functions(None, connection)
