"""The query syntax, told once: the help screen shows all of it, the empty state a taste."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

# (example, what it finds)
EXAMPLES: list[tuple[str, str]] = [
    ("tunnel ferry", "both words (AND is implied)"),
    ("tunnel AND ferry", "the same, spelled out"),
    ("tunnel OR bridge", "either word"),
    ("tunnel NOT ferry", "tunnel, but not ferry (also: tunnel -ferry)"),
    ('"rail tunnel"', "the exact phrase"),
    ("(tunnel OR bridge) AND cost", "group with parentheses"),
    ('outlet:"Nordic Wire"', "only one outlet"),
    ('entity:"Estonia"', "articles mentioning an entity (any of its names)"),
    ("date:2025-03", "one month (or date:2025, date:2025-03-14)"),
    ("date:[2025-01-01 TO 2025-03-31]", "a date range"),
    ("title:heatwave", "words in the headline only"),
    ("tun*", "prefix: tunnel, tunnels, tuna…"),
    ("tunel~", "fuzzy: tolerate a typo"),
]

SHORT_HINT = ['"exact phrase"', "this OR that", "-not", "prefix*", "fuzzy~"]


def syntax_table() -> Table:
    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold", no_wrap=True)
    table.add_column()
    for example, meaning in EXAMPLES:
        table.add_row(Text(example), Text(meaning))
    return table


def hint_text(outlet: str | None = None) -> Text:
    """One short line of examples for the empty state (with one of the corpus' outlets)."""
    examples = list(SHORT_HINT)
    if outlet:
        examples.insert(2, 'outlet:"' + outlet.replace('"', "") + '"')
    out = Text("Try: ", style="dim", end="")
    for i, example in enumerate(examples):
        if i:
            out.append("  ")
        out.append(example, style="bold")
    out.append("   ? for all keys and syntax", style="dim")
    return out
