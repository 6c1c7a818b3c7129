"""Messages agree in number: "1 paragraph", "2 paragraphs"."""
from __future__ import annotations


def counted(number: int, singular: str, plural: str | None = None) -> str:
    """The number and the noun in the form it asks for (plural: singular + "s" unless given)."""
    return f"{number} {singular if number == 1 else plural or singular + 's'}"
