"""PostgreSQL connections outlive a request (connecting costs as much as a simple page)."""

import pytest
from django.db import connection

pytestmark = [pytest.mark.postgresql, pytest.mark.django_db]


def test_web_threads_keep_their_connection_between_requests(client):
    assert connection.settings_dict["CONN_MAX_AGE"] == 60
    assert connection.settings_dict["CONN_HEALTH_CHECKS"] is True
    client.get("/healthz")
    first = connection.connection
    client.get("/healthz")
    assert connection.connection is first  # not closed at the end of the request
