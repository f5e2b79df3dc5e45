"""What replaced what, where the library's own texts cannot tell: a law (or a decree) of the library replaced by one
the library does not hold (Luật Nhà ở 65/2014/QH13 by Luật Nhà ở 27/2023/QH15 from 2024-08-01; Nghị định 01/2021/NĐ-CP
on business registration by Nghị định 168/2025/NĐ-CP from 2025-07-01). The statement that ends it is in
the replacing law, so no text of the library says so, and without this record the library would quote the old law
as in force. The record is ``records/replaced.csv`` of the package: one row per replaced law (its số hiệu, the số
hiệu and name of the law that replaced it, the day it took effect), written from the replacing laws' own provisions
on their entry into force; a replacing law ingested later makes its row redundant (its own text says the same)."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .text import fold

RECORD = Path(__file__).parent / "records" / "replaced.csv"


@dataclass(frozen=True)
class Replacement:
    """A law replaced by one the library does not hold: their số hiệu, the replacing law's name, and from when."""

    lapsed: str
    replaced_by: str
    name: str
    since: str
    # what questions on its matter say, folded ("bao hiem that nghiep" for Luật Việc làm): asked about it, the law
    # in force is the one the library lacks, whatever article shares the other words
    subjects: tuple[str, ...] = ()


@cache
def recorded_replacements(path: Path = RECORD) -> tuple[Replacement, ...]:
    """The rows of the record (``path``), in its order; read once (an answer resting on a replaced law names the law
    in force from it)."""
    with open(path, encoding="utf-8", newline="") as f:
        return tuple(
            Replacement(
                r["lapsed"],
                r["replaced_by"],
                r["name"],
                r["since"],
                tuple(fold(x) for x in (r.get("subjects") or "").split("|") if x.strip()),
            )
            for r in csv.DictReader(f)
        )


@cache
def _subject_patterns() -> tuple[tuple[Replacement, tuple[re.Pattern[str], ...]], ...]:
    """Each recorded replacement with its subjects as whole-word patterns, compiled once (every answer asks)."""
    return tuple(
        (r, tuple(re.compile(rf"\b{re.escape(x)}\b") for x in r.subjects))
        for r in recorded_replacements()
        if r.subjects
    )


def subjects_asked(folded: str) -> list[tuple[Replacement, re.Pattern[str]]]:
    """The recorded replacements whose matter a folded question speaks of, each with the pattern of the phrase it
    says (to look for the same phrase in a provision)."""
    out = []
    for r, patterns in _subject_patterns():
        said = next((p for p in patterns if p.search(folded)), None)
        if said is not None:
            out.append((r, said))
    return out
