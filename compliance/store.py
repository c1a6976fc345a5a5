"""Writing the data folder without ever losing what is there.

- Every change is validated as a whole dataset *before* anything is written (a bad upload writes nothing).
- Files are written to temporary files, fsynced, then renamed into place; a journal lists the renames so an
  interrupted commit is completed on the next open (all files of a change land together or not at all).
- The previous version of each changed file is kept in `.backups/` with a timestamp.
- Writers are serialised with a file lock (`.lock`), so two editors at once cannot interleave.
- Every change is appended to `audit.log` (JSON lines: when, editor, file, rows added/changed/removed, summary).
"""

from __future__ import annotations

import io
import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
from filelock import FileLock

from .data import FILE_NAMES, FILES, DataValidationError, Dataset, Problem, file_columns, load_dataset

JOURNAL = ".commit-journal.json"
AUDIT_LOG = "audit.log"
BACKUPS = ".backups"
LOCK = ".lock"
LOCK_TIMEOUT_S = 30
#: Largest upload the Data page and the importer accept (also set as server.maxUploadSize in .streamlit/config.toml).
MAX_UPLOAD_BYTES = 10 * 1024 * 1024


_LOCKS: dict[str, FileLock] = {}


def writer_lock(root) -> FileLock:
    """The data folder's lock (one instance per folder, so it is re-entrant for a read-modify-write)."""
    key = str(Path(root).resolve())
    if key not in _LOCKS:
        _LOCKS[key] = FileLock(str(Path(key) / LOCK), timeout=LOCK_TIMEOUT_S)
    return _LOCKS[key]


@dataclass
class CommitResult:
    files: list[str]
    audit: list[dict]


def frame_to_csv(df: pd.DataFrame, name: str) -> bytes:
    """Serialise a table in the file's own column order; numbers without '.0', missing as empty."""
    out = df[file_columns(name)].copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]) or str(out[col].dtype) in ("Int64", "Float64"):
            out[col] = out[col].map(lambda v: "" if pd.isna(v) else (str(int(v)) if float(v).is_integer() else str(v)))
    return out.to_csv(index=False, lineterminator="\n").encode("utf-8")


def recover(root: Path) -> None:
    """Finish a commit that was interrupted after its journal was written (its temp files are complete, so the
    whole change lands); remove temp files of a commit that died before its journal (the old data stands)."""
    root = Path(root)
    journal = root / JOURNAL
    if journal.exists():
        for tmp, target in json.loads(journal.read_text()):
            if (root / tmp).exists():
                os.replace(root / tmp, root / target)
        journal.unlink()
    for orphan in root.glob(".*.tmp"):
        orphan.unlink()


def _count_changes(old: pd.DataFrame | None, new: pd.DataFrame, name: str) -> dict:
    key = [c for c in next(s for s in FILES if s.name == name).key] or list(new.columns)
    if old is None:
        return {"rows_added": len(new), "rows_changed": 0, "rows_removed": 0}
    o = old.astype(str).set_index(key) if len(old) else None
    n = new.astype(str).set_index(key)
    if o is None:
        return {"rows_added": len(n), "rows_changed": 0, "rows_removed": 0}
    added = n.index.difference(o.index)
    removed = o.index.difference(n.index)
    common = n.index.intersection(o.index)
    changed = int((n.loc[common].sort_index() != o.loc[common].sort_index()).any(axis=1).sum()) if len(common) else 0
    return {"rows_added": len(added), "rows_changed": changed, "rows_removed": len(removed)}


def commit(root: str | os.PathLike, tables: dict[str, bytes], *, editor: str, summary: str,
           fail_after: int | None = None) -> CommitResult:
    """Validate and write new contents for some data files, atomically, with backups, lock and audit log.

    `fail_after` (tests only) simulates a crash after that many files were renamed into place."""
    root = Path(root)
    unknown = set(tables) - set(FILE_NAMES)
    if unknown:
        raise ValueError(f"not data files: {', '.join(sorted(unknown))}")
    with writer_lock(root):
        recover(root)
        # 1. validate the whole would-be dataset in a scratch copy; nothing is written if it is invalid
        with tempfile.TemporaryDirectory(prefix="compliance-check-") as scratch:
            for name in FILE_NAMES:
                src = root / name
                if name in tables:
                    (Path(scratch) / name).write_bytes(tables[name])
                elif src.exists():
                    shutil.copy2(src, Path(scratch) / name)
            load_dataset(scratch)  # raises DataValidationError listing every problem
        # 2. write temp files, then the journal, then rename; back up the old versions first
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        (root / BACKUPS).mkdir(exist_ok=True)
        audit = []
        pending = []
        for name, content in tables.items():
            target = root / name
            old = pd.read_csv(target, dtype=str, keep_default_na=False) if target.exists() else None
            new = pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False)
            if target.exists() and target.read_bytes() == content:
                continue
            if target.exists():
                shutil.copy2(target, root / BACKUPS / f"{name}.{stamp}")
            fd, tmp = tempfile.mkstemp(dir=root, prefix=f".{name}.", suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                fh.write(content)
                fh.flush()
                os.fsync(fh.fileno())
            pending.append((Path(tmp).name, name))
            audit.append({"when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "editor": editor,
                          "file": f"data/{name}", **_count_changes(old, new, name), "summary": summary})
        if not pending:
            return CommitResult([], [])
        journal = root / JOURNAL
        journal.write_text(json.dumps(pending))
        for i, (tmp, target) in enumerate(pending):
            if fail_after is not None and i >= fail_after:
                raise RuntimeError("simulated crash during commit")
            os.replace(root / tmp, root / target)
        journal.unlink()
        with open(root / AUDIT_LOG, "a", encoding="utf-8") as log:
            for entry in audit:
                log.write(json.dumps(entry, ensure_ascii=False) + "\n")
        return CommitResult([t for _, t in pending], audit)


def next_id(existing, prefix: str, width: int = 3) -> str:
    nums = [int(str(x)[len(prefix):]) for x in existing if str(x).startswith(prefix) and str(x)[len(prefix):].isdigit()]
    return f"{prefix}{(max(nums) + 1 if nums else 1):0{width}d}"


def add_observation(root, ds: Dataset | None = None, *, criterion_id: str, observed_date: str, met: str,
                    source_ids: str, note: str | None, editor: str) -> tuple[str, CommitResult]:
    """Record one observation (validated by the same models and cross-checks as the files). The folder is
    re-read under the writers' lock, so two editors adding at once get distinct ids and neither is lost."""
    with writer_lock(root):
        recover(Path(root))
        current = load_dataset(root)
        obs = current.table("observations.csv")
        oid = next_id(obs["observation_id"], "O")
        row = {"observation_id": oid, "criterion_id": criterion_id, "observed_date": observed_date, "met": met,
               "source_ids": source_ids, "note": note or None}
        new = pd.concat([obs, pd.DataFrame([row])], ignore_index=True)
        result = commit(root, {"observations.csv": frame_to_csv(new, "observations.csv")}, editor=editor,
                        summary=f"observation {oid} on {criterion_id}")
    return oid, result


def merge_upload(ds: Dataset, name: str, upload: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Merge uploaded rows of observations.csv or assessments.csv by id: new ids are added, identical rows
    skipped, rows with an existing id but other values replace it (reported as changed)."""
    if name not in ("observations.csv", "assessments.csv"):
        raise ValueError("uploads may add observations or assessments")
    cols = file_columns(name)
    missing = [c for c in cols if c not in upload.columns]
    extra = [c for c in upload.columns if c not in cols]
    if missing or extra:
        raise DataValidationError([Problem(
            f"upload for {name}", None, None,
            f"columns must be exactly {', '.join(cols)}" + (f"; missing {', '.join(missing)}" if missing else "")
            + (f"; unknown {', '.join(extra)}" if extra else ""))])
    key = cols[0]
    current = ds.table(name).fillna("").astype(str)
    upload = upload[cols].astype(str)
    cur = current.set_index(key)
    up = upload.set_index(key)
    added = up.index.difference(cur.index)
    common = up.index.intersection(cur.index)
    changed = [i for i in common if not (up.loc[i] == cur.loc[i]).all()]
    merged = cur.copy()
    merged.loc[changed] = up.loc[changed]
    merged = pd.concat([merged, up.loc[added]])
    return merged.reset_index(), {"added": len(added), "changed": len(changed), "unchanged": len(common) - len(changed)}
