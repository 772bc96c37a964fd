"""Saving the review form: on demand, by itself as fields change, and finalising; each
message is shown on the message line and, where a field has one, beside the field."""

from __future__ import annotations

import threading
from collections.abc import Mapping
from dataclasses import replace
from typing import TYPE_CHECKING

from textual import work

from console.services.errors import Invalid, ServiceError
from console.services.review_dto import ReviewDraft, ReviewInput
from screens.review import messages as m
from screens.review.collect import field_of, key_of
from screens.review.live import Line
from screens.review.missing import MissingModal
from screens.widgets.form import labelled

if TYPE_CHECKING:
    from screens.host import ConsoleScreen as _Base
    from screens.review.sections import ReviewSections
else:
    _Base = object


class Saving(_Base):
    """Mixed into ReviewScreen, which provides the form and its display."""

    draft: ReviewDraft | None
    sections: ReviewSections | None
    read_only: bool
    _version: int
    _lock: threading.Lock
    _dirty: bool
    _confirm_finalise: bool
    _timer: object | None
    _marks: dict[str, str]
    _local: dict[str, str]  # the form's own messages at the last save, by field id
    _typed: bool  # anything typed since the form opened
    _go_after: str
    # and _say, _collect, _title, _go_to, _finalised, _autosave_seconds

    # -- when ---------------------------------------------------------------------------
    def _schedule_autosave(self) -> None:
        self._dirty = True
        self._confirm_finalise = False
        if self._timer is not None:
            self._timer.stop()  # type: ignore[attr-defined]
        self._timer = self.set_timer(self._autosave_seconds(), self._autosave)

    def _autosave(self) -> None:
        if self._dirty and not self.read_only:
            self._submit(finalise=False, close=False, quiet=True)

    def action_save(self) -> None:
        self._submit(finalise=False, close=False)

    def action_finalise(self) -> None:
        """Check first: every missing item is listed at once and the form goes to the
        first; only a complete review asks before it is finalised."""
        if self._confirm_finalise:
            self._confirm_finalise = False
            self._submit(finalise=True, close=False)
            return
        data, errors = self._collect()
        self._say("Checking the review…")
        self._check_finalise(data, {field_of(key_of(k)) or k: v for k, v in errors.items()})

    @work(thread=True, exclusive=True, group="check", exit_on_error=False)
    def _check_finalise(self, data: ReviewInput, local: dict[str, str]) -> None:
        assert self.draft is not None
        try:
            found = self.services.reviews.check_finalise(self.draft.id, data)
        except ServiceError as error:
            self.post_message(m.Failed(error))
            return
        self.post_message(m.Checked(_merged(local, found)))

    def on_review_screen_checked(self, message: m.Checked) -> None:
        missing = message.missing
        if not missing:
            self._confirm_finalise = True
            self._say("Complete. Finalise? It becomes read-only. Press ctrl+f again to finalise.")
            return
        self._mark(missing)
        first = next(iter(missing))
        self._say(f"✗ Not complete: {len(missing)} to do; the first is marked.", error=True)
        self.app.push_screen(MissingModal(self._missing_lines(missing)), self._go_to_missing)
        self._go_after = first

    def _go_to_missing(self, field_id: str | None) -> None:
        self.call_later(self._go_to, field_id or self._go_after)

    def _missing_lines(self, missing: dict[str, str]) -> list[tuple[str, str, str]]:
        """(field id, section, what is missing) in the form's order."""
        assert self.sections is not None
        names = dict(self.sections.layout)
        order = {fid: n for n, fid in enumerate(self.sections.specs)}
        lines = []
        goals = (
            {f"goal-status-{g.goal_key}": g.words for g in self.draft.goals} if self.draft else {}
        )
        for field_id, text in missing.items():
            section = names.get(self.sections.section_of(field_id), "")
            words = text.removeprefix(f"{section}: ")
            if field_id in goals:
                words = f"goal “{goals[field_id]}”: its status now"
            lines.append((field_id, section, words))
        return sorted(lines, key=lambda line: order.get(line[0], len(order)))

    def _kept_texts(self, draft: ReviewDraft) -> dict[str, str]:
        """A reopened draft shows what was kept as typed, and each with why it is marked."""
        assert self.sections is not None
        for key, text in draft.values.raw.items():
            field_id = field_of(key)
            if field_id in self.sections.texts:
                self.sections.texts[field_id] = text
        if self.read_only:
            return {}
        _data, local = self._collect()
        return _merged(local, draft.marks)

    # -- how ----------------------------------------------------------------------------
    def _submit(self, *, finalise: bool, close: bool, quiet: bool = False) -> None:
        """A draft always saves, with what did not parse kept as typed and marked; a
        finalise goes only with nothing left to mark."""
        data, errors = self._collect()
        if errors and finalise:
            first = next(iter(errors))
            self._mark(errors)
            self._say(self._refusal(("",), first, errors[first], errors), error=True)
            if not quiet:
                self.call_later(self._go_to, first)
            return
        self._local = errors
        self._dirty = False
        self._write(data, finalise, close, quiet)

    def keep_input(self) -> None:
        """Save what is typed now, in this thread, painting nothing: before quitting, and
        when the terminal hangs up (SPEC §2: a dropped SSH connection loses nothing).
        Raises the service's error when the save is refused."""
        if self.read_only or self.draft is None or self.sections is None or not self._typed:
            return
        data, _errors = self._collect()
        with self._lock:
            saved = self.services.reviews.save_draft(self.draft.id, self._version, data)
            self._version = saved.version
        self._dirty = False

    @work(thread=True, exclusive=False, group="save", exit_on_error=False)
    def _write(self, data: ReviewInput, finalise: bool, close: bool, quiet: bool = False) -> None:
        assert self.draft is not None
        reviews = self.services.reviews
        try:
            with self._lock:
                if finalise:
                    saved = reviews.finalise(self.draft.id, self._version, data)
                else:
                    saved = reviews.save_draft(self.draft.id, self._version, data)
                self._version = saved.version
        except ServiceError as error:
            self.post_message(m.Failed(error, quiet))
            return
        self.post_message(m.Saved(saved, close, finalise, quiet))

    async def on_review_screen_saved(self, message: m.Saved) -> None:
        assert self.draft is not None
        saved = message.saved
        self.draft = replace(
            self.draft,
            version=saved.version,
            status=saved.status,
            finalised_at=saved.finalised_at,
            ost_decided_by=saved.ost_decided_by or self.draft.ost_decided_by,
        )
        saved_at = self.services.clock.now().format("HH:mm")
        self._title(saved_at)
        kept = {} if message.finalised else _merged(self._local, saved.marks)
        self._mark(kept)
        if message.finalised:
            self._say("Finalised. The review is now read-only; a correction is an addendum.")
            self.read_only = True
            for widget in self.query("Input, Select"):
                widget.disabled = True
            self.refresh_bindings()
            self._finalised(getattr(saved, "offers_reentry", False))
        elif not self._dirty and kept:
            first = next(iter(kept))
            leads = (
                f"Draft saved {saved_at}; to correct: ",
                f"Draft saved {saved_at}: ",
                f"Saved {saved_at}: ",
            )
            self._say(self._refusal(leads, first, kept[first], kept), error=True)
            if not message.quiet:
                self.call_later(self._go_to, next(iter(kept)))
        elif not self._dirty:
            self._say(f"Draft saved {saved_at}.")
        if message.close:
            self.app.pop_screen()

    def on_review_screen_failed(self, message: m.Failed) -> None:
        error = message.error
        self._dirty = True  # nothing was written: the input stays on screen
        if isinstance(error, Invalid):
            errors = {field_of(k) or k: v for k, v in error.errors.items()}
            self._mark(errors)
            first_key = next(iter(error.errors))
            target = field_of(first_key)
            said = self._refusal(
                ("Not saved: ", ""), target or first_key, error.errors[first_key], errors
            )
            self._say(said, error=True)
            if target and not message.quiet:
                self.call_later(self._go_to, target)
        else:
            self._say(f"✗ {error}", error=True)

    def _refusal(
        self, leads: tuple[str, ...], field_id: str, text: str, errors: dict[str, str]
    ) -> str:
        """The message line: the field's label and the reason, fitted to 80 columns."""
        spec = self.sections.specs.get(field_id) if self.sections else None
        return labelled(leads, spec.label if spec else "", text, more=_more(errors))

    def _mark(self, errors: dict[str, str]) -> None:
        """Show these messages at their fields (and remember them for sections not yet
        shown); an empty dict clears every mark."""
        for widget in self.query(".-bad"):
            widget.remove_class("-bad")
        for line in self.query(".err").results(Line):
            line.update("")
        self._marks = dict(errors)
        self._apply_marks()

    def _apply_marks(self) -> None:
        for field_id, text in self._marks.items():
            if not field_id.replace("-", "").replace("_", "").isalnum():
                continue
            for widget in self.query(f"#{field_id}"):
                widget.add_class("-bad")
            spec = self.sections.specs.get(field_id) if self.sections else None
            short = text.removeprefix(f"{spec.label}: ") if spec else text
            for line in self.query(f"#err-{field_id}").results(Line):
                line.update(f"✗ {short}")


def _merged(local: dict[str, str], service: Mapping[str, str]) -> dict[str, str]:
    """The form's own messages (by field id) and the service's (by value name), by field."""
    out = dict(local)
    for key, text in service.items():
        out.setdefault(field_of(key) or key, text)
    return out


def _more(errors: dict[str, str]) -> str:
    return f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
