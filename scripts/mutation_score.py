"""Print the mutation score of the last `mutmut run` (mutants/*.meta): one line per mutated module, then the total
as the last line, `mutation score: K killed of N (P%)`.

Every mutant counts in N except those mutmut was told to skip: a survivor, a mutant no selected test reaches ("no
tests") and one that could not be checked all count as not killed, so the score cannot rise by testing less. A timeout
counts as killed (the mutant made a test hang, and a hang fails CI). Equivalent mutants (they cannot change any
result) are listed with their reason in tests/MUTANTS.md; they stay in N.

    python scripts/mutation_score.py [--survivors]   # run from the checkout, after mutmut run
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# mutmut's exit codes (mutmut/stats.py, status_by_exit_code)
KILLED = {1, 3, -24, 24, 152, 255, 36}  # 36, +-24, 152, 255: timeouts
SKIPPED = {34}
NOT_CHECKED = {None}
NAMES = {0: "survived", 5: "no tests", 33: "no tests", 37: "caught by type check", -11: "segfault", -9: "segfault",
         2: "interrupted", None: "not checked"}


def read_results(mutants: Path) -> dict[str, dict[str, int | None]]:
    """{module file: {mutant name: exit code}} from mutmut's .meta files, in file order."""
    out = {}
    for meta in sorted(mutants.rglob("*.py.meta")):
        codes = json.loads(meta.read_text(encoding="utf-8"))["exit_code_by_key"]
        out[str(meta.relative_to(mutants)).removesuffix(".meta")] = codes
    return out


def score(codes: dict[str, int | None]) -> tuple[int, int, Counter]:
    """(killed, counted, what became of the rest) for one module's exit codes."""
    counted = [c for c in codes.values() if c not in SKIPPED]
    killed = sum(1 for c in counted if c in KILLED)
    rest = Counter(NAMES.get(c, "suspicious") for c in counted if c not in KILLED)
    return killed, len(counted), rest


def line(label: str, killed: int, n: int, rest: Counter) -> str:
    pct = 100.0 * killed / n if n else 0.0
    extra = f"; {', '.join(f'{v} {k}' for k, v in sorted(rest.items()))}" if rest else ""
    return f"{label}: {killed} killed of {n} ({pct:.1f}%){extra}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mutants", default=str(ROOT / "mutants"), help="mutmut's working folder")
    parser.add_argument("--survivors", action="store_true", help="also list every mutant not killed")
    args = parser.parse_args(argv)
    results = read_results(Path(args.mutants))
    if not results:
        print(f"no mutation results in {args.mutants}: run `make mutants`", file=sys.stderr)
        return 2
    total_killed = total_n = 0
    total_rest: Counter = Counter()
    for module, codes in results.items():
        killed, n, rest = score(codes)
        total_killed, total_n = total_killed + killed, total_n + n
        total_rest += rest
        print(line(f"  {module}", killed, n, rest))
        if args.survivors:
            for name, code in sorted(codes.items()):
                if code not in KILLED and code not in SKIPPED:
                    print(f"    {NAMES.get(code, 'suspicious')}: {name}")
    if total_rest.get("not checked"):
        print(f"warning: {total_rest['not checked']} mutants were not checked (an interrupted run?)")
    pct = 100.0 * total_killed / total_n if total_n else 0.0
    print(f"mutation score: {total_killed} killed of {total_n} ({pct:.1f}%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
