"""Sections of the handler's case page, each owned by its own area (measures, aftercare, police…).

An area registers a panel: a template and a function that gives its context. The case page has
already checked visibility (models.visibility) before any panel runs; a panel gets the level."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable


@dataclass(frozen=True)
class Panel:
    name: str
    template: str
    context: Callable  # (case, level, user) -> dict | None  (None: the panel is not shown)
    order: int


_panels: list[Panel] = []


def register(name: str, template: str, context: Callable, order: int = 50) -> None:
    if any(p.name == name for p in _panels):
        return
    _panels.append(Panel(name, template, context, order))
    _panels.sort(key=lambda p: p.order)


def render_context(case, level, user) -> list[tuple[Panel, dict]]:
    shown = []
    for panel in _panels:
        context = panel.context(case, level, user)
        if context is not None:
            shown.append((panel, context))
    return shown
