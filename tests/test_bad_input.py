"""A batch of bad files: each gets its own error finding, the rest is audited, nothing is written."""
from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from audit.cli import main

from support import SEEDS


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    state = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and not path.is_symlink():
            state[str(path)] = (hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mtime_ns)
    return state


def test_bad_files_do_not_stop_the_batch(tmp_path, capsys, monkeypatch):
    batch = tmp_path / "batch"
    batch.mkdir()
    (batch / "a-good.txt").write_bytes(SEEDS["000"].read_bytes())
    (batch / "empty.txt").write_bytes(b"")
    (batch / "binary.txt").write_bytes(bytes(range(256)) * 4)
    (batch / "undecodable.md").write_bytes(b"Dear Mr \x81\x8d\x8f\x90\x9d Smith")
    with (batch / "huge.txt").open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)
    (batch / "minutes.txt").write_text("Minutes of the Audit Committee\n\nPresent: all members.\n")
    (batch / "locked.txt").write_text("secret")
    os.symlink(batch / "does-not-exist.txt", batch / "broken.txt")
    (batch / "z-good.md").write_bytes(SEEDS["003"].read_bytes())
    before = snapshot(batch)

    real_open = os.open

    def refuse_locked(path, *args, **kwargs):  # root can read anything; simulate a permission error
        if os.path.basename(path) == "locked.txt":
            raise PermissionError(13, "Permission denied")
        return real_open(path, *args, **kwargs)
    monkeypatch.setattr(os, "open", refuse_locked)

    code = main(["check", str(batch), "--format", "json"])
    monkeypatch.undo()
    report = json.loads(capsys.readouterr().out)
    by_name = {Path(letter["path"]).name: letter for letter in report["letters"]}
    assert code == 1
    assert set(by_name) == {"a-good.txt", "empty.txt", "binary.txt", "undecodable.md", "huge.txt",
                            "minutes.txt", "locked.txt", "broken.txt", "z-good.md"}

    def only_finding(name):
        [finding] = by_name[name]["findings"]
        assert finding["severity"] == "error"
        return finding["rule"], finding["message"]

    assert only_finding("empty.txt") == ("unrecognised-document", "The file is empty: it holds no text.")
    assert only_finding("binary.txt")[0] == "unreadable-input"
    assert "binary" in only_finding("binary.txt")[1]
    assert only_finding("undecodable.md")[0] == "unreadable-input"
    assert "is 50 MB, larger than the limit of 10 MB" in only_finding("huge.txt")[1]
    assert only_finding("minutes.txt")[0] == "unrecognised-document"
    assert "Permission denied" in only_finding("locked.txt")[1]
    assert "broken symbolic link" in only_finding("broken.txt")[1]
    assert by_name["a-good.txt"]["status"] == "pass"
    assert by_name["a-good.txt"]["fields"]["authority"] == "Ipswich Borough Council"
    assert by_name["z-good.md"]["fields"]["authority"] == "Ashfield District Council"
    assert snapshot(batch) == before  # no input file was written to
