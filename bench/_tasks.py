"""A task that does nothing: the worker's queue overhead is what the bench measures with it."""

from django.tasks import task


@task
def noop(number: int) -> int:
    return number
