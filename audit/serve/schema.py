"""The tables. Changing one means a new migration in migrations/versions/."""
from __future__ import annotations

from sqlalchemy import Column, DateTime, Index, Integer, MetaData, String, Table, Text

metadata = MetaData()

FINDING_STATES = ("accepted", "needs-fix", "undecided")  # "undecided" takes a decision back
LETTER_STATES = ("reviewed", "unreviewed")

# One row per decision ever made: the latest row of a target is its state; earlier rows are
# its history. Rows are only ever inserted.
decisions = Table(
    "decisions", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(8), nullable=False),  # "finding" or "letter"
    Column("target", String(255), nullable=False),  # a finding's fingerprint, a letter's path
    Column("state", String(16), nullable=False),
    Column("letter", String(255), nullable=False, default=""),  # the letter's identity (key or file name)
    Column("path", Text, nullable=False, default=""),
    Column("rule", String(64), nullable=False, default=""),
    Column("message", Text, nullable=False, default=""),
    Column("text_hash", String(64), nullable=False, default=""),  # the letter's text when decided
    Column("note", Text, nullable=False, default=""),
    Column("reviewer", String(128), nullable=False),
    Column("decided_at", DateTime(timezone=True), nullable=False),
    Column("request_id", String(64), nullable=True, unique=True),  # a retried request is not a second decision
    Index("ix_decisions_target", "kind", "target", "id"),
)

# The server's own secrets by name ("session": the key that signs session cookies).
secrets = Table(
    "secrets", metadata,
    Column("name", String(32), primary_key=True),
    Column("value", String(128), nullable=False),
)
