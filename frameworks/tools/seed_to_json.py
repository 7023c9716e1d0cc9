#!/usr/bin/env python3
"""Generate frameworks/hee-ahp-support-worker-2021.json from seed 000.

The seed is the HEE AHP Support Worker Competency, Education and Career
Development Framework (2021) as pipe-separated tables, one table per domain:

    Domain N: <title>
    <description>
    Entry Level | Intermediate | Assistant Practitioner | ExR | |
    ---|---|---|---|---|
    N.M <title> | <entry> | <intermediate> | <assistant practitioner> | <ExR> |

The three level cells become the item's descriptors ("N/A" -> not_applicable,
blank -> missing). The ExR column is a training provider's mapping, not a level:
every cell other than "N/A" becomes a provider mapping.

Every cell is kept word for word (surrounding whitespace trimmed only), including
the seed's typos and missing full stops. The script stops with an error if the
seed does not have the expected shape.

Usage (Python 3.11, stdlib only):

    python3 frameworks/tools/seed_to_json.py [--seed PATH] [--out PATH] [--check]

Defaults: the seed at <repo>/../shared/seeds/000_8c24c6c362d62ee7.txt and the
output at <repo>/frameworks/hee-ahp-support-worker-2021.json. With --check the
file is not written; the script exits 1 if it differs from what would be written.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
DEFAULT_SEED = REPO.parent / "shared" / "seeds" / "000_8c24c6c362d62ee7.txt"
DEFAULT_OUT = REPO / "frameworks" / "hee-ahp-support-worker-2021.json"

# The seed names the levels and says nothing else about them (which band each is varies by
# employer), so the shipped levels carry no description.
LEVELS = [
    {"key": "entry", "title": "Entry"},
    {"key": "intermediate", "title": "Intermediate"},
    {"key": "assistant-practitioner", "title": "Assistant Practitioner"},
]
# HEE's own description of the framework: the paragraph of its page (seed 001) that says what
# the framework does, word for word (including the page's no-break space).
PAGE_SEED = REPO.parent / "shared" / "seeds" / "001_f0aab36f132df2bf.txt"


def hee_description(page: Path) -> str:
    for line in page.read_text(encoding="utf-8").splitlines():
        if line.startswith("This framework"):
            return line.strip()
    raise SeedError(f"{page}: no paragraph starting 'This framework'")
PROVIDER = "ExR"
# Domain 1 lists qualifications, experience and values: checked against records,
# not assessed, so its items are entry requirements.
ENTRY_REQUIREMENT_DOMAINS = {"1"}

DOMAIN_RE = re.compile(r"^Domain (\d+): (.+)$")
# "4.4." in the seed is item 4.4: the trailing full stop is punctuation.
ITEM_RE = re.compile(r"^(\d+\.\d+)\.?\s+(\S.*)$")
SEPARATOR_RE = re.compile(r"^(-{3,}\|)+$")


class SeedError(Exception):
    pass


def split_row(line: str, lineno: int) -> list[str]:
    """Split a table row into its five cells; the row ends with a closing '|'."""
    parts = line.split("|")
    if len(parts) != 6 or parts[5].strip() != "":
        raise SeedError(
            f"line {lineno}: expected 5 cells ending with '|', found {len(parts) - 1} separators"
        )
    return [p.strip() for p in parts[:5]]


def descriptor(cell: str) -> object:
    if cell == "":
        return "missing"
    if cell.lower() in ("n/a", "not applicable"):
        return "not_applicable"
    return {"text": cell}


def parse(seed_text: str) -> dict:
    lines = seed_text.splitlines()
    if not lines or not lines[0].strip():
        raise SeedError("line 1: expected the framework title")
    title = lines[0].strip()

    domains: list[dict] = []
    items: list[dict] = []
    mappings: list[dict] = []
    i = 1
    while i < len(lines):
        lineno = i + 1
        line = lines[i].strip()
        if not line:
            i += 1
            continue
        m = DOMAIN_RE.match(line)
        if not m:
            raise SeedError(f"line {lineno}: expected 'Domain N: title', found {line[:60]!r}")
        code, domain_title = m.group(1), m.group(2).strip()
        if code != str(len(domains) + 1):
            raise SeedError(f"line {lineno}: domain {code} is out of order")
        if i + 3 >= len(lines):
            raise SeedError(f"line {lineno}: domain {code} has no table")
        description = lines[i + 1].strip()
        if not description or "|" in description:
            raise SeedError(f"line {lineno + 1}: expected the description of domain {code}")
        header = split_row(lines[i + 2].strip(), lineno + 2)
        wanted = ["entry level", "intermediate", "assistant practitioner", "exr", ""]
        if [h.lower() for h in header] != wanted:
            raise SeedError(f"line {lineno + 2}: unexpected table header {header!r}")
        if not SEPARATOR_RE.match(lines[i + 3].strip()):
            raise SeedError(f"line {lineno + 3}: expected the '---|' separator row")
        domains.append({"code": code, "title": domain_title, "description": description})
        i += 4

        while i < len(lines) and "|" in lines[i]:
            lineno = i + 1
            cells = split_row(lines[i].strip(), lineno)
            im = ITEM_RE.match(cells[0])
            if not im:
                raise SeedError(f"line {lineno}: expected 'N.M title', found {cells[0][:60]!r}")
            item_code, item_title = im.group(1), im.group(2).strip()
            if item_code.split(".")[0] != code:
                raise SeedError(f"line {lineno}: item {item_code} is not in domain {code}")
            if cells[4] == "":
                raise SeedError(f"line {lineno}: the ExR cell is empty")
            kind = "entry_requirement" if code in ENTRY_REQUIREMENT_DOMAINS else "competency"
            items.append(
                {
                    "code": item_code,
                    "domain": code,
                    "title": item_title,
                    "kind": kind,
                    "descriptors": [descriptor(c) for c in cells[1:4]],
                }
            )
            if descriptor(cells[4]) != "not_applicable":
                mappings.append({"provider": PROVIDER, "item": item_code, "statement": cells[4]})
            i += 1

    if len(domains) != 8:
        raise SeedError(f"expected 8 domains, found {len(domains)}")
    codes = [it["code"] for it in items]
    if len(codes) != len(set(codes)):
        raise SeedError("an item code appears more than once")

    return {
        "id": "hee-ahp-support-worker-2021",
        "title": title,
        "publisher": "Health Education England",
        "version": "2021",
        "status": "published",
        "description": hee_description(PAGE_SEED),
        "levels": LEVELS,
        "domains": domains,
        "items": items,
        "provider_mappings": mappings,
    }


def render(framework: dict) -> str:
    return json.dumps(framework, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seed", type=Path, default=DEFAULT_SEED)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--check", action="store_true", help="compare instead of writing")
    args = ap.parse_args(argv)

    try:
        framework = parse(args.seed.read_text(encoding="utf-8"))
    except (OSError, SeedError) as e:
        print(f"seed_to_json: {args.seed}: {e}", file=sys.stderr)
        return 2
    text = render(framework)
    summary = (
        f"{len(framework['domains'])} domains, {len(framework['items'])} items, "
        f"{len(framework['provider_mappings'])} provider mappings"
    )
    if args.check:
        try:
            current = args.out.read_text(encoding="utf-8")
        except OSError as e:
            print(f"seed_to_json: {args.out}: {e}", file=sys.stderr)
            return 1
        if current != text:
            print(f"seed_to_json: {args.out} is out of date; regenerate it", file=sys.stderr)
            return 1
        print(f"{args.out} is up to date ({summary})")
        return 0
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    print(f"wrote {args.out} ({summary})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
