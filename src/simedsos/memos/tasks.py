"""Background work for memos: thin wrappers over the rendering service."""

from django.tasks import task

from simedsos.memos.rendering_service import memo_render


@task
def render_memo(memo_id: int) -> str:
    return memo_render(memo_id)
