"""The command palette (ctrl+p): every action of the current screen by name.

Commands come from the screen's own key bindings (so a new key is a new command with no extra
work), plus the actions that have no single key: each sort and each view by name.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode

from knowme.views import SORTS


@dataclass(frozen=True, slots=True)
class PaletteCommand:
    title: str
    help: str
    run: Callable[[], object]


def _binding_commands(provider: Provider) -> Iterator[PaletteCommand]:
    """One command per enabled key binding of ours (they all have an id) on the palette's screen."""
    seen: set[str] = set()
    for active in provider.screen.active_bindings.values():
        binding = active.binding
        if not active.enabled or not binding.description or binding.system or not binding.id:
            continue
        if binding.description in seen:
            continue
        seen.add(binding.description)
        key_display = binding.key_display or provider.app.get_key_display(binding)
        yield PaletteCommand(binding.description, f"{binding.tooltip}  (key: {key_display})" if binding.tooltip
                             else f"key: {key_display}",
                             partial(_run, active.node, binding.action))


def _extra_commands(provider: Provider) -> Iterator[PaletteCommand]:
    """Actions of the main screen that take an argument and have no key of their own."""
    sort_by = getattr(provider.screen, "action_sort", None)  # the main screen's (which opens this palette)
    if sort_by is not None:
        for sort in SORTS:
            yield PaletteCommand(f"Sort by {sort.label}", "s cycles through the sorts", partial(sort_by, sort.key))


async def _run(node: DOMNode, action: str) -> None:
    await node.app.run_action(action, node)


class KnowmeCommands(Provider):
    """Every action of the current screen: its keys' actions, the sorts and the views."""

    def _commands(self) -> list[PaletteCommand]:
        return [*_binding_commands(self), *_extra_commands(self)]

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(command.title, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(score, matcher.highlight(command.title), command.run, help=command.help)
