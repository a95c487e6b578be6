"""Helpers for line-API widgets (ScrollView subclasses that draw with `render_line`)."""
from __future__ import annotations

from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.widget import Widget


def set_virtual_size(widget: ScrollView, size: Size) -> None:
    """Change how much there is to scroll without re-laying-out the screen.

    Assigning `virtual_size` asks for a layout of the whole screen; with the vertical scrollbar
    always shown (overflow-y: scroll) only the widget and its scrollbar need to know, so this does
    what `Widget._size_updated` does when no layout is needed.
    """
    if size == widget.virtual_size:
        return
    if widget.styles.overflow_y != "scroll" or not widget.is_mounted:
        widget.virtual_size = size
        return
    widget.set_reactive(Widget.virtual_size, size)
    widget._scroll_update(size)  # the framework's own no-layout path
    widget.refresh()
