"""Text boxes whose own keys (home, end, the arrows) act in the order typed, with the letters around them."""
from __future__ import annotations

from textual import events
from textual.widget import Widget
from textual.widgets import Input, TextArea


async def run_own_binding(widget: Widget, event: events.Key) -> bool:
    """Run the widget's own (non-priority) binding for `event` here, as the key reaches it; True when one
    ran. Textual runs such a binding only once the key has gone up to the app, queue by queue, while the
    letters typed right behind it are typed in by the widget as they reach it: End then "abc" in one
    burst typed "abc" where the cursor was, and only then moved it to the end."""
    for binding in widget._bindings.key_to_bindings.get(event.key, ()):
        if binding.priority:  # run by the app before the key reached the widget
            continue
        if await widget.app.run_action(binding.action, widget):
            event.stop()
            event.prevent_default()  # not the text box's own typing either
            return True
    return False


class NoteArea(TextArea):
    """A text area whose keys act in the order typed (`run_own_binding`)."""

    async def _on_key(self, event: events.Key) -> None:
        await run_own_binding(self, event)


class FieldInput(Input):
    """A one-line input whose keys act in the order typed (`run_own_binding`)."""

    async def _on_key(self, event: events.Key) -> None:
        await run_own_binding(self, event)
