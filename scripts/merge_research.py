"""Bring the rows a researcher added in another copy of the data folder into this one, through the store's write
path (validated whole, audited, canonical form). Rows are matched by each table's primary key: rows whose key is
new are appended; rows whose key exists but whose cells differ are replaced (listed in the output).

    python scripts/merge_research.py OTHER_DATA_DIR BASE_COMMIT_DATA_DIR --editor NAME --summary TEXT [--store FOLDER|URL]
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from compliance.schema import TABLES  # noqa: E402
from compliance.store import _cell, open_store  # noqa: E402


def read(path: Path) -> pd.DataFrame | None:
    if not path.exists():
        return None
    return pd.read_csv(io.BytesIO(path.read_bytes()), dtype=str, keep_default_na=False, encoding="utf-8-sig")


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("other")
    p.add_argument("base")
    p.add_argument("--editor", required=True)
    p.add_argument("--summary", required=True)
    p.add_argument("--store")
    args = p.parse_args()
    other, base = Path(args.other), Path(args.base)
    report = []

    def plan(current):
        changes = {}
        for t in TABLES:
            theirs, was = read(other / t.name), read(base / t.name)
            if theirs is None:
                continue
            was = was if was is not None else theirs.iloc[0:0]
            key = list(t.key)
            mine = current.table(t.name).astype(object)
            mine = mine.map(_cell)
            theirs = theirs.reindex(columns=t.columns, fill_value="")
            was = was.reindex(columns=t.columns, fill_value="")
            was_rows = {tuple(r) for r in was.itertuples(index=False)}
            touched = theirs[[tuple(r) not in was_rows for r in theirs.itertuples(index=False)]]
            if touched.empty:
                continue
            mine_idx = mine.set_index(key)
            new = touched.set_index(key)
            replaced = new.index.intersection(mine_idx.index)
            added = new.index.difference(mine_idx.index, sort=False)
            mine_idx.loc[replaced] = new.loc[replaced]
            merged = pd.concat([mine_idx, new.loc[added]]).reset_index()
            changes[t.name] = merged.replace("", None)
            report.append(f"{t.name}: {len(added)} added, {len(replaced)} replaced")
        return changes

    result = open_store(args.store).apply(plan, editor=args.editor, summary=args.summary)
    print("\n".join(report) or "nothing to merge")
    print(f"commit {result.commit_id or '(none)'}: {', '.join(result.files)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
