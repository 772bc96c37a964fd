"""What happens to a finalised review: addenda, a clinician's pending OST decision, and a
check-up's offer of a new treatment episode."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import work
from textual.widgets import Input, Static

from console.services.errors import ServiceError
from console.services.review_dto import ReviewDraft
from screens.review import messages as m
from screens.review.addendum import AddendumModal, Corrected, addenda_text
from screens.review.ost_modal import OstDecisionModal
from screens.review.reentry import ACCEPTED, DECLINED, ReentryModal

if TYPE_CHECKING:
    from screens.host import ConsoleScreen as _Base
else:
    _Base = object


class Finalised(_Base):
    """Mixed into ReviewScreen."""

    draft: ReviewDraft | None
    _reentry_open: bool  # and _say

    # -- addenda ------------------------------------------------------------------------
    def _show_addenda(self) -> None:
        assert self.draft is not None
        text = addenda_text(self.draft)
        widget = self.query_one("#addenda", Static)
        widget.update(text)
        widget.display = bool(text)

    def action_addendum(self) -> None:
        if self.draft is not None:
            self.app.push_screen(AddendumModal(self.draft), self._addendum_saved)

    def _addendum_saved(self, done: Corrected | None) -> None:
        if done is not None:
            self.post_message(m.Corrected(done.draft, f"{done.label}: {done.old} → {done.new}"))

    # -- a pending OST decision ---------------------------------------------------------
    def action_ost_decision(self) -> None:
        if self.draft is not None:
            modal = OstDecisionModal(self.draft.id, self.draft.medicine)
            self.app.push_screen(modal, self._decided)

    def _decided(self, draft: ReviewDraft | None) -> None:
        if draft is not None:
            self.post_message(m.Corrected(draft))

    def on_review_screen_corrected(self, message: m.Corrected) -> None:
        decided = self.draft is not None and self.draft.values.ost_decision != (
            message.draft.values.ost_decision
        )
        self.draft = message.draft
        self._show_addenda()
        self.refresh_bindings()
        if decided:
            for field in self.query("#ost-decision").results(Input):
                field.value = message.draft.values.ost_decision
            self._say(f"OST decision recorded by {message.draft.ost_decided_by}.")
        else:
            said = f"Addendum saved: {message.what}" if message.what else "Addendum saved"
            self._say(f"{said}; the original stays visible.")

    # -- re-entry after a check-up ------------------------------------------------------
    def _finalised(self, offers_reentry: bool) -> None:
        if offers_reentry:
            self._reentry_open = True
            self.action_reentry()

    def action_reentry(self) -> None:
        self.app.push_screen(ReentryModal(), self._reentry_answered)

    def _reentry_answered(self, accept: bool | None) -> None:
        if accept is None:
            self._say("Re-entry not answered yet: press e to offer the new episode.")
            self.refresh_bindings()
            return
        self._reentry(accept)

    @work(thread=True, exclusive=True, group="reentry", exit_on_error=False)
    def _reentry(self, accept: bool) -> None:
        assert self.draft is not None
        try:
            self.services.checkups.reentry(self.draft.id, accept)
        except ServiceError as error:
            self.post_message(m.Failed(error))
            return
        self.post_message(m.Reentered(accept))

    def on_review_screen_reentered(self, message: m.Reentered) -> None:
        self._reentry_open = False
        self.refresh_bindings()
        text = ACCEPTED if message.accepted else DECLINED
        self._say(text)
        self.notify(text, title="Post-exit check-up")
