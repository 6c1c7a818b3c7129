"""The file cannot be read: not as text, nor as a PDF or Word letter.

Binary data, bytes that are not UTF-8, UTF-16 or Windows-1252 text, a file larger than
--max-bytes, a file without read permission, a broken symbolic link, a named pipe, socket
or device (never opened), a folder named like a letter or one that cannot be listed; a PDF
that holds only images (a scan with no text layer), needs a password or is damaged; a Word
file in the old binary format (.doc), encrypted or damaged. The rest of the batch is still
audited.

Bad: a PDF or Word file saved with a .txt name.

Good: the letter exported as plain text or Markdown.
"""
from dataclasses import dataclass

from ..evidence import Evidence
from ..models import Issue

ID = "unreadable-input"
SEVERITY = "error"
HINT = "Open the file: re-export it as plain text (UTF-8), Markdown, .docx or a PDF with a text layer."


@dataclass(frozen=True)
class Unreadable(Evidence):
    reason: str  # why the reader gave up, as it said it


def check(letter):
    error = letter.raw.error
    if error:  # a reason ("is 12 MB, ...") completes "The file ..."; a sentence stands as it is
        yield Issue(error if error[:1].isupper() else f"The file {error}.", 1, Unreadable(error))
