"""Background work for the archive: a thin wrapper over the package service."""

from django.tasks import task

from simedsos.archive.services import package_build


@task
def build_package(item_id: int) -> str:
    return package_build(item_id)
