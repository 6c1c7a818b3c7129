"""The fuzzing campaign of issue 22, kept: hostile letters, Word files and templates made from
the seeds, each audited with a time limit; it counts crashes, hangs and letters lost.

    python tests/fuzz.py --letters 10000 --templates 356 --seed 22   # the long run (README)

tests/test_fuzz.py runs a small sample of it in CI. A crash is an exception escaping the
audit, an `internal-error` finding on a letter the seed templates audit, or (for a template)
anything but a `FILE:LINE` TemplateError; a hang is a letter or a template over the time
limit; a letter lost is a file of the batch missing from the command line's JSON report.
Templates that load are used on the seed letters, and the internal errors they cause (a
check the template's arithmetic cannot evaluate on a letter) are counted apart: that is a
finding by design (audit/rules/internal_error.py), not a crash.
"""
from __future__ import annotations

import argparse
import json
import random
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from audit import language  # noqa: E402
from audit.pipeline import audit_letter  # noqa: E402
from audit.settings import Settings  # noqa: E402
from audit.template import TemplateError, parse_template  # noqa: E402

import hostile_docx  # noqa: E402

SEEDS = sorted((ROOT / "fixtures" / "letters").glob("*.txt"))
TEMPLATE = ROOT / "templates" / "lgsco-annual-review-2020.md"
LIMIT = 20.0  # seconds one letter or template may take before it counts as a hang


class Hang(BaseException):  # not an Exception: the audit's own isolation must not catch it
    pass


@contextmanager
def time_limit(seconds: float):
    def expire(signum, frame):
        raise Hang
    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- letters ---------------------------------------------------------------------------------

def hostile_snippets(rng: random.Random, size: int) -> list[str]:
    """Text that once cost quadratic time, hid a letter or overflowed something, at `size`."""
    return [
        "[" * size, "[a](" * (size // 4), "![x](" * (size // 5), "<b " * (size // 3), "</i" * (size // 3),
        "**" * (size // 2), "\\" * size, "&amp;" * (size // 5), "- " * (size // 2), "#" * size,
        " ".join(f"w{i}" for i in range(size // 4)),  # many distinct words
        "a" * size, "1" * size, "1,000," * (size // 6), "£" + "9" * size, "31 February 2020 " * (size // 17),
        '+++\nname = "hidden"\n+++\n', "\x00\x01\x1b[31m\u202e" * (size // 8 + 1), "\r" * size, "\u00ad" * size,
        "".join(chr(rng.randrange(0x20, 0x2FFF)) for _ in range(size)),
    ]


def mutate_letter(text: str, rng: random.Random, size: int) -> str:
    kind = rng.randrange(7)
    at = rng.randrange(len(text) + 1)
    if kind <= 2:
        return text[:at] + rng.choice(hostile_snippets(rng, size)) + text[at:]
    if kind == 3:
        return text[:at] + text[at + rng.randrange(1, 400):]
    if kind == 4:
        paragraphs = text.split("\n\n")
        rng.shuffle(paragraphs)
        return "\n\n".join(paragraphs)
    if kind == 5:
        return '+++\nname = "hidden"\n+++\n' + text
    data = bytearray(text.encode("utf-8"))
    for _ in range(rng.randrange(1, 20)):
        data[rng.randrange(len(data))] = rng.randrange(256)
    return data.decode("utf-8", "surrogateescape")


def write_letters(folder: Path, count: int, rng: random.Random, size: int) -> list[Path]:
    paths = []
    builders = list(hostile_docx.CRASHING.values()) + [hostile_docx.deeply_nested]
    for number in range(count):
        if number % 50 == 49:  # a Word file broken inside, now and then
            path = folder / f"m{number:05d}.docx"
            path.write_bytes(rng.choice(builders)())
        else:
            path = folder / f"m{number:05d}.txt"
            text = mutate_letter(rng.choice(SEEDS).read_text(encoding="utf-8"), rng, rng.choice((10, size)))
            path.write_bytes(text.encode("utf-8", "surrogateescape"))
        paths.append(path)
    return paths


# --- templates -------------------------------------------------------------------------------

HEADER_INSERTS = [
    "deep = " + "[" * 3000 + "]" * 3000, "deep = " + "{ a = " * 400 + "1" + " }" * 400,
    '[types]\ncode = "[A-Z](\\\\w+\\\\s?)*!"', '[types]\ncode = "a{4294967295}"', '[types]\ncode = "a{1,4294967296}"',
    '[types]\ncode = "' + "(" * 300 + "a" + ")" * 300 + '"', '[types]\ncode = "(a|aa)+$"', '[types]\ncode = "[^\\\\]]+"',
    '[[checks]]\nexpr = "' + "+".join(["1"] * 400) + ' > 0"', '[[checks]]\nexpr = "' + "(" * 500 + "1" + ")" * 500 + '"',
    '[[checks]]\nexpr = "max(investigations) > 1"', '[[checks]]\nexpr = "abs(1, 2) > 1"',
    '[[checks]]\nexpr = "round(upheld_rate, 4294967296) == 1"', '[[checks]]\nexpr = "investigations / 0 == 1"',
    '[[checks]]\nexpr = "' + "not " * 2000 + 'true"', '[[checks]]\nexpr = "1e999999 > investigations"',
    'year = 99999999999999999999', 'year = -1', 'name = ""', 'key_field = 5', 'overview_fields = [[[[1]]]]',
]
BODY_INSERTS = ["{{", "}}", "{{investigations", "{{a|b}}", "{{|}}", "{{x:nope}}", "\\{{", "<!-- free:", "-->",
                "# " + "x" * 500, "{{investigations}}" * 50, "#" * 7 + " h", "{optional}", "\u202e", "\x00"]


def mutate_template(text: str, rng: random.Random) -> str:
    header, _, body = text[3:].partition("\n+++")
    kind = rng.randrange(5)
    if kind == 0:
        header += "\n" + rng.choice(HEADER_INSERTS) + "\n"
    elif kind == 1:
        at = rng.randrange(len(body) + 1)
        body = body[:at] + rng.choice(BODY_INSERTS) + body[at:]
    elif kind == 2:
        lines = header.split("\n")
        del lines[rng.randrange(len(lines))]
        header = "\n".join(lines)
    elif kind == 3:
        lines = body.split("\n")
        line = rng.randrange(len(lines))
        lines.insert(line, lines[rng.randrange(len(lines))])
        body = "\n".join(lines)
    else:
        data = list(text)
        for _ in range(rng.randrange(1, 6)):
            data[rng.randrange(len(data))] = rng.choice("{}[]()=\"'#+\\|*?\n ")
        return "".join(data)
    return "+++" + header + "\n+++" + body


# --- the campaign ----------------------------------------------------------------------------

@dataclass
class Outcome:
    letters: int = 0
    templates: int = 0
    templates_loaded: int = 0
    crashes: list[str] = field(default_factory=list)
    hangs: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    template_internal_errors: int = 0
    slowest: tuple[float, str] = (0.0, "")

    def clean(self) -> bool:
        return not (self.crashes or self.hangs or self.lost)

    def summary(self) -> str:
        return (f"{self.letters} letter mutants, {self.templates} template mutants ({self.templates_loaded} loaded): "
                f"{len(self.crashes)} crashes, {len(self.hangs)} hangs, {len(self.lost)} letters lost; "
                f"{self.template_internal_errors} internal-error findings from loaded templates' checks; "
                f"slowest {self.slowest[0]:.2f} s ({self.slowest[1]})")


def audit_one(path: Path, settings: Settings, outcome: Outcome, what: str, internal_errors_are_crashes: bool) -> None:
    started = time.perf_counter()
    try:
        with time_limit(LIMIT):
            _, result = audit_letter(path, settings)
    except Hang:
        outcome.hangs.append(what)
        return
    except Exception as exc:  # noqa: BLE001 - what the campaign looks for
        outcome.crashes.append(f"{what}: {type(exc).__name__}: {exc}"[:300])
        return
    took = time.perf_counter() - started
    outcome.slowest = max(outcome.slowest, (took, what))
    errors = [f for f in result.findings if f.rule == "internal-error"]
    if errors and internal_errors_are_crashes:
        outcome.crashes.append(f"{what}: {errors[0].message}"[:300])
    elif errors:
        outcome.template_internal_errors += len(errors)


def campaign(letters: int, templates: int, seed: int, size: int, folder: Path) -> Outcome:
    rng = random.Random(seed)
    outcome = Outcome(letters=letters, templates=templates)
    settings = Settings()
    language.pipeline()  # untimed: loading the language model is not a letter's time
    audit_letter(SEEDS[0], settings)
    batch = folder / "letters"
    batch.mkdir()
    paths = write_letters(batch, letters, rng, size)
    for path in paths:
        audit_one(path, settings, outcome, path.name, internal_errors_are_crashes=True)
    outcome.lost = letters_lost(batch, paths)

    source = TEMPLATE.read_text(encoding="utf-8")
    for number in range(templates):
        path = folder / f"t{number:04d}.md"
        path.write_text(mutate_template(source, rng), encoding="utf-8", errors="surrogatepass")
        try:
            with time_limit(LIMIT):
                parse_template(path.read_text(encoding="utf-8"), path)
        except TemplateError:
            continue
        except Hang:
            outcome.hangs.append(path.name)
            continue
        except Exception as exc:  # noqa: BLE001
            outcome.crashes.append(f"{path.name}: {type(exc).__name__}: {exc}"[:300])
            continue
        outcome.templates_loaded += 1
        with_template = Settings(template_paths=[path])
        for letter in [*SEEDS, *rng.sample(paths, min(2, len(paths)))]:
            audit_one(letter, with_template, outcome, f"{letter.name} with {path.name}", internal_errors_are_crashes=False)
    return outcome


def letters_lost(batch: Path, paths: list[Path]) -> list[str]:
    """Files of the batch missing from the command line's JSON report (or the run's failure)."""
    done = subprocess.run([sys.executable, "-m", "audit", "check", "--no-config", "--format", "json", "--exit-zero",
                           "-q", str(batch)], cwd=ROOT, capture_output=True, timeout=3600)
    if done.returncode != 0:
        return [f"the run exited {done.returncode}: {done.stderr.decode(errors='replace')[-300:]}"]
    reported = {Path(letter["path"]).name for letter in json.loads(done.stdout)["letters"]}
    return sorted(path.name for path in paths if path.name not in reported)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--letters", type=int, default=200)
    parser.add_argument("--templates", type=int, default=40)
    parser.add_argument("--seed", type=int, default=22)
    parser.add_argument("--size", type=int, default=20_000, help="characters of a hostile insertion")
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="letter-audit-fuzz-") as folder:
        outcome = campaign(args.letters, args.templates, args.seed, args.size, Path(folder))
    print(outcome.summary() + f"; {time.perf_counter() - started:.0f} s in all")
    for kind in ("crashes", "hangs", "lost"):
        for item in getattr(outcome, kind)[:20]:
            print(f"  {kind}: {item}")
    return 0 if outcome.clean() else 1


if __name__ == "__main__":
    sys.exit(main())
