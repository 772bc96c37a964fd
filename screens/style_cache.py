"""Styles matched once for widgets alike while Textual 8.2.8 styles a batch.

Textual styles a batch of widgets (a mount, a restyle) with a cache keyed by the
widget's parent, type, classes and state: siblings alike share one rule match. Rows
built alike under different parents (the review form's TOP rows, each a Horizontal of
six Inputs) matched every rule again, and a widget's component classes (an Input's
cursor, placeholder, selection and suggestion) were matched for every widget with no
cache at all: about half of the form's styling before its first frame.

Here the batch's cache is keyed by the parent's *shape* instead of the parent itself:
the type, the id (where a rule names it), the classes and the state of every ancestor,
which is all a selector can see once Textual's own exclusions apply (rules on order,
emptiness or focus-within are never cached). Component classes use the same cache.
Every widget still gets its own styles object; only the matching is shared.
"""

from __future__ import annotations

from typing import Any

from textual.css.model import RuleSet, SelectorType
from textual.css.stylesheet import RulesMap, Stylesheet
from textual.dom import DOMNode

_stock_apply = Stylesheet.apply
_stock_components = Stylesheet._process_component_classes

Key = tuple[Any, ...]
LIMIT = 20_000  # matched entries kept before starting again: shapes are few, this is a guard


class Store:
    """Shapes and matched rules for one set of parsed rules (a reparse starts again)."""

    def __init__(self, rules: list[RuleSet] | None) -> None:
        self.rules = rules
        self.numbers: dict[Key, int] = {}
        self.matched: dict[Key, RulesMap] = {}
        # Every id a selector names, in any place: `#top Input` depends on an ancestor's id.
        self.ids = {
            selector.name
            for rule in rules or ()
            for selectors in rule.selector_set
            for selector in selectors.selectors
            if selector.type is SelectorType.ID
        }


_store = Store(None)


def _own(node: DOMNode, ids: set[str]) -> Key:
    """What a selector can see of one node, beside the ancestors' (Textual's exclusions
    keep rules on order, emptiness and focus-within out of every cache)."""
    named = node._id if node._id in ids else None
    state: Key = node._pseudo_classes_cache_key
    if node._parent is None:  # the App: theme, colours, its own focus
        state = tuple(sorted(node.get_pseudo_classes()))
    else:
        allow_focus = getattr(node, "allow_focus", None)
        state = (*state, allow_focus() if allow_focus is not None else None)
    # the class itself, not its CSS name: two classes may share a name, not their rules
    return (type(node), named, node.classes, state)


class ByShape(dict[Key, RulesMap]):
    """Textual's batch cache, with the parent in each key replaced by its shape: the
    type, named id, classes and state of it and every ancestor. Matches are kept in the
    store, so rows built alike in separate mounts share them too."""

    def __init__(self, stylesheet: Stylesheet) -> None:
        super().__init__()
        global _store
        rules = stylesheet.rules
        if _store.rules is not rules or len(_store.matched) > LIMIT:
            _store = Store(rules)
        self.store = _store
        self.of_node: dict[int, tuple[DOMNode, int]] = {}  # this batch's; node held

    def shape(self, node: DOMNode | None) -> int:
        if node is None:
            return -1
        known = self.of_node.get(id(node))
        if known is not None and known[0] is node:
            return known[1]
        numbers = self.store.numbers
        key = (self.shape(node._parent), _own(node, self.store.ids))
        number = numbers.setdefault(key, len(numbers))
        self.of_node[id(node)] = (node, number)
        return number

    def _key(self, key: Key) -> Key:
        parent = key[0]
        return (self.shape(parent), *key[1:]) if isinstance(parent, DOMNode) else key

    def get(self, key: Key, default: Any = None) -> Any:  # type: ignore[override]
        return self.store.matched.get(self._key(key), default)

    def __setitem__(self, key: Key, value: RulesMap) -> None:
        self.store.matched[self._key(key)] = value


WRAPPED = ("style_cache.by_shape",)  # where a batch's ByShape lives in Textual's own dict
_batch: ByShape | None = None  # the batch being styled


def _apply(
    self: Stylesheet,
    node: DOMNode,
    *,
    animate: bool = False,
    cache: dict[Key, RulesMap] | None = None,
) -> None:
    global _batch
    if cache is None or isinstance(cache, ByShape):
        _stock_apply(self, node, animate=animate, cache=cache)
        return
    shaped = cache.get(WRAPPED)
    if not isinstance(shaped, ByShape) or shaped.store is not _store:
        shaped = ByShape(self)
        cache[WRAPPED] = shaped  # type: ignore[assignment]
    outer, _batch = _batch, shaped
    try:
        _stock_apply(self, node, animate=animate, cache=shaped)
    finally:
        _batch = outer


def _cacheable(self: Stylesheet, virtual: DOMNode) -> bool:
    """As Textual's own cache: not when a rule depends on order, emptiness or focus-within."""
    rules_map = self.rules_map
    pseudo: set[str] = set()
    for name in rules_map.keys() & virtual._selector_names:
        for rule in rules_map[name]:
            pseudo |= rule.pseudo_classes
    return pseudo.isdisjoint(Stylesheet._EXCLUDE_PSEUDO_CLASSES_FROM_CACHE)


def _process_component_classes(self: Stylesheet, node: DOMNode) -> None:
    shaped = _batch
    components = node._get_component_classes()
    if shaped is None or not components:
        _stock_components(self, node)
        return
    shape = shaped.shape(node)
    matched = shaped.store.matched
    refresh = False
    old = node._component_styles.copy()
    node._component_styles.clear()
    for component in sorted(components):
        virtual = DOMNode(classes=component)
        virtual._attach(node)
        key = ("component", shape, component)
        rules = matched.get(key)
        if rules is None:
            _stock_apply(self, virtual, animate=False)
            if _cacheable(self, virtual):
                matched[key] = dict(virtual.styles.base._rules)  # type: ignore[assignment]
        else:
            self.replace_rules(virtual, rules, animate=False)
        if not refresh and old.get(component) != virtual.styles:
            refresh = True
        node._component_styles[component] = virtual.styles
    if refresh:
        node.refresh()


def share_matched_styles() -> None:
    Stylesheet.apply = _apply  # type: ignore[method-assign]
    Stylesheet._process_component_classes = _process_component_classes  # type: ignore[method-assign]
