"""What the review form's workers send back to it (handled as `on_review_screen_*`)."""

from __future__ import annotations

from textual.message import Message

from console.services.errors import ServiceError
from console.services.review_dto import ReviewDraft, SavedReview


class Loaded(Message, namespace="review_screen"):
    def __init__(self, draft: ReviewDraft) -> None:
        super().__init__()
        self.draft = draft


class Saved(Message, namespace="review_screen"):
    def __init__(
        self, saved: SavedReview, close: bool, finalised: bool, quiet: bool = False
    ) -> None:
        super().__init__()
        self.saved = saved
        self.close = close
        self.finalised = finalised
        self.quiet = quiet  # an autosave: the focus stays where it is


class Checked(Message, namespace="review_screen"):
    """What finalise would refuse, by form field (empty: complete)."""

    def __init__(self, missing: dict[str, str]) -> None:
        super().__init__()
        self.missing = missing


class Corrected(Message, namespace="review_screen"):
    def __init__(self, draft: ReviewDraft, what: str = "") -> None:
        super().__init__()
        self.draft = draft
        self.what = what  # what an addendum corrected, in the review's words


class Failed(Message, namespace="review_screen"):
    def __init__(self, error: ServiceError, quiet: bool = False) -> None:
        super().__init__()
        self.error = error
        self.quiet = quiet  # an autosave: say it, but leave the focus where it is


class Reentered(Message, namespace="review_screen"):
    """The answer to the re-entry offer was recorded."""

    def __init__(self, accepted: bool) -> None:
        super().__init__()
        self.accepted = accepted
