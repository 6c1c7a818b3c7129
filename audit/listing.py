"""What a reader made of a file, for `letter-audit extract FILE`: the text with line numbers
and page marks, then what was left out, so a reviewer sees exactly what was audited and what
a finding's line and page point at."""
from __future__ import annotations

from .models import RawLetter, page_at
from .report.escape import shown_path, terminal_safe as shown
from .wording import counted


def listing(raw: RawLetter) -> str:
    """The numbered text of a letter that was read; call only when raw.text is not None."""
    lines = (raw.text or "").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    width = len(str(len(lines)))
    starts = {line: page for page, line in enumerate(raw.page_starts, start=1)}
    out = [f"{shown(shown_path(raw.path))}: {counted(len(lines), 'line')}"
           + (f" on {counted(len(raw.page_starts), 'page')}" if raw.page_starts else "")
           + (f", read as {raw.encoding}" if raw.encoding else "")]
    for number, line in enumerate(lines, start=1):
        if number in starts:
            out.append(f"{'':>{width}}  --- page {starts[number]} ---")
        out.append(f"{number:>{width}}  {shown(line)}".rstrip())
    if raw.artifacts:
        out.append("")
        out.append("Left out (extraction-artifact):")
        for line, kind, text in raw.artifacts:
            page = page_at(raw.page_starts, line)
            where = f"line {line}" + (f", page {page}" if page else "")
            out.append(f"  {kind} ({where}): {shown(text)}")
    if raw.revisions:
        out.append("")
        out.append("Unresolved tracked changes and comments (unresolved-revisions), read with changes accepted:")
        for kind in ("insertions", "deletions", "moves", "comments"):
            found = getattr(raw.revisions, kind)
            if found:
                out.append(f"  {kind}: line{'s' if len(found) > 1 else ''} {', '.join(map(str, found))}")
    return "\n".join(out) + "\n"
