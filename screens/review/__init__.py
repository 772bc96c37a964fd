"""The review form, split by section (STYLE: the review form is a package)."""

from screens.review.kind import ReviewKindModal
from screens.review.screen import ReviewScreen

__all__ = ["ReviewKindModal", "ReviewScreen"]
