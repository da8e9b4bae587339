"""The authentication backend: Django's ModelBackend, with the header's figures on the user."""

from __future__ import annotations

from django.contrib.auth.backends import ModelBackend

from simedsos.accounts.models import User


class SignedInUserBackend(ModelBackend):
    """Loads the signed-in user of each request together with the unread-notice count the
    page header shows, so every page spends one query on both instead of two."""

    def get_user(self, user_id: int) -> User | None:
        # Imported here: notifications builds on accounts, not the other way round.
        from simedsos.notifications.selectors import unread_count_expression

        user = (
            User._default_manager.annotate(header_unread=unread_count_expression())
            .filter(pk=user_id)
            .first()
        )
        return user if user is not None and self.user_can_authenticate(user) else None
