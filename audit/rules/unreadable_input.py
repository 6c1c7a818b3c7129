"""The file cannot be read as text.

Binary data, bytes that are not UTF-8, UTF-16 or Windows-1252 text, a file too large to
be a letter, a file without read permission or a broken symbolic link. The rest of the
batch is still audited.

Bad: a PDF or Word file saved with a .txt name.

Good: the letter exported as plain text or Markdown.
"""
from ..models import Issue

ID = "unreadable-input"
SEVERITY = "error"
HINT = "Open the file: re-export it as plain text (UTF-8) or Markdown."


def check(letter):
    if letter.raw.error:
        yield Issue(f"The file {letter.raw.error}.", 1, {"reason": letter.raw.error})
