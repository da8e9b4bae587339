import pytest

from tests.content.builders import make_world


@pytest.fixture
def world(db):
    return make_world()
