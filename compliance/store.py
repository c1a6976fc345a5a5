"""Where the dataset lives, and the one write path every writer goes through.

A store reads every table, gives a version token that changes with every committed change (the dashboard's cache
key), applies a change set atomically with the editor's name and a summary (one audit entry per change set), lists
its history and restores an earlier version. Validation is not the store's business: every read and every would-be
dataset goes through :func:`compliance.data.dataset_from_tables`, whatever the store.

`Store.apply(plan, ...)` is the write path. Under the writers' lock it finishes any interrupted write, loads the
*current* data, calls `plan(current)` to make the change, validates the whole result and writes it with its audit
entry. Because the change is planned from the data as it is inside the lock, two writers at once cannot overwrite
each other's change (the lost-update bug of planning outside the lock).

The CSV folder (`CsvFolderStore`, the default and the published open data):
- the new files are written as temporary files and fsynced; a journal naming them (with checksums and the audit
  entry) is written atomically; the files are renamed into place; the audit entry is appended; the journal goes.
  A crash at any point leaves either the old data (no journal yet) or a journal that the next reader completes —
  the renames and the audit entry together. A torn journal (which our own atomic write never leaves) is discarded
  with its temporary files: the data stays as it was before that write.
- every version of every file written is kept in `.backups/` under its checksum, so any earlier version can be
  restored; the audit log (`audit.log`, JSON lines) lists each change set with its files' checksums before and after.
- writers are serialised with a file lock (`.lock`).
PostgreSQL (`compliance.pgstore.PostgresStore`) keeps the same contract with transactions.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Mapping

import pandas as pd
from filelock import FileLock

from .data import (
    DATA_DIR_ENV,
    DEFAULT_DATA_DIR,
    Dataset,
    DataValidationError,
    Problem,
    dataset_from_tables,
    file_columns,
)
from .schema import TABLE_NAMES
from .schema import spec as table_spec

#: Environment variable naming the store: a folder path or a postgresql:// address.
STORE_ENV = "COMPLIANCE_STORE"
JOURNAL = ".commit-journal.json"
AUDIT_LOG = "audit.log"
BACKUPS = ".backups"
LOCK = ".lock"
LOCK_TIMEOUT_S = 60
#: Largest upload the Data page and the importer accept (also set as server.maxUploadSize in .streamlit/config.toml).
MAX_UPLOAD_BYTES = 10 * 1024 * 1024
#: Tests set this to a step name to kill the process there (as `kill -9` would), proving recovery.
CRASH_ENV = "COMPLIANCE_CRASH_AT"
CRASH_POINTS = ("before_journal", "after_journal", "after_first_rename", "before_audit", "after_audit")

#: What a plan returns: the changed tables, as written (a DataFrame in the file's columns, or the CSV bytes).
Changes = Mapping[str, "pd.DataFrame | bytes"]
Plan = Callable[[Dataset], "Changes | None"]


class StoreError(RuntimeError):
    """The store cannot be opened or written (not a folder, not reachable, locked too long)."""


@dataclass
class CommitResult:
    """What one change set did. `commit_id` is empty when the plan changed nothing."""

    commit_id: str = ""
    files: list[str] = field(default_factory=list)
    audit: dict = field(default_factory=dict)
    dataset: Dataset | None = None

    @property
    def changed(self) -> bool:
        return bool(self.files)


# --- the cell format shared by every store -----------------------------------------------------------


def _cell(value) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value)


def frame_to_csv(df: pd.DataFrame, name: str) -> bytes:
    """Serialise a table the one canonical way: the file's own column order, UTF-8, LF line ends, numbers without
    '.0', missing as empty, quotes only where needed. Every writer goes through here, so a re-write of unchanged
    data is byte-identical (and a change shows as just its rows in a diff)."""
    out = df[file_columns(name)].astype(object).map(_cell)
    return out.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _as_bytes(name: str, value) -> bytes:
    if isinstance(value, (bytes, bytearray)):
        return bytes(value)
    return frame_to_csv(value, name)


def _cells(content: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(content), dtype=str, keep_default_na=False, encoding="utf-8-sig")


def _same_cells(a: bytes, b: bytes) -> bool:
    try:
        return _cells(a).equals(_cells(b))
    except (ValueError, pd.errors.ParserError):
        return False


def count_changes(name: str, old: bytes | None, new: bytes) -> dict:
    """Rows added, changed and removed between two versions of a table, matched by its primary key."""
    key = list(table_spec(name).key)
    n = _cells(new).set_index(key)
    if old is None:
        return {"rows_added": len(n), "rows_changed": 0, "rows_removed": 0}
    o = _cells(old).set_index(key)
    added = n.index.difference(o.index)
    removed = o.index.difference(n.index)
    common = n.index.intersection(o.index)
    if len(common):
        a = n.loc[common]
        b = o.loc[common].reindex(columns=a.columns)
        a = a[~a.index.duplicated()].sort_index()
        b = b[~b.index.duplicated()].sort_index()
        changed = int((a != b).any(axis=1).sum())
    else:
        changed = 0
    return {"rows_added": len(added), "rows_changed": changed, "rows_removed": len(removed)}


def sha(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def next_id(existing, prefix: str, width: int = 3) -> str:
    """The next free id `prefix` + number (e.g. O117). Only safe inside `Store.apply`, which holds the writers'
    lock while it plans, so two writers never draw the same number."""
    nums = [int(str(x)[len(prefix):]) for x in existing if str(x).startswith(prefix) and str(x)[len(prefix):].isdigit()]
    return f"{prefix}{(max(nums) + 1 if nums else 1):0{width}d}"


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _crash_point(step: str) -> None:
    if os.environ.get(CRASH_ENV) == step:
        os._exit(137)  # as abrupt as kill -9: no cleanup, no finally blocks


# --- the interface ---------------------------------------------------------------------------------


class Store:
    """The one place the dataset is read from and written to."""

    #: notes for people about what opening the store did (e.g. an interrupted write that was completed)
    notes: list[str]

    def describe(self) -> str:  # pragma: no cover - interface
        raise NotImplementedError

    def read_contents(self) -> dict[str, bytes | None]:  # pragma: no cover - interface
        """Every table as CSV bytes (None = missing), after finishing any interrupted write."""
        raise NotImplementedError

    def version(self) -> str:  # pragma: no cover - interface
        """A token that changes with every committed change (cheap: read on every dashboard rerun)."""
        raise NotImplementedError

    def _transaction(self, plan: Plan, *, editor: str, summary: str,
                     allow_invalid_current: bool = False) -> CommitResult:  # pragma: no cover - interface
        raise NotImplementedError

    def history(self, limit: int | None = None) -> list[dict]:  # pragma: no cover - interface
        """Committed change sets, newest first: commit_id, when, editor, summary, files with row counts."""
        raise NotImplementedError

    def _blob(self, name: str, digest: str) -> bytes | None:  # pragma: no cover - interface
        """A version of a table kept by checksum (None if it is not kept)."""
        raise NotImplementedError

    # shared behaviour -------------------------------------------------------------------------

    def load(self) -> Dataset:
        """Read and validate the whole dataset (DataValidationError lists every problem at once)."""
        version = self.version()
        contents = self.read_contents()
        return dataset_from_tables(contents, store=self, version=version)

    def apply(self, plan: Plan, *, editor: str, summary: str) -> CommitResult:
        """The write path: under the writers' lock, plan the change from the current data, validate the whole
        would-be dataset, write it and its audit entry atomically. Nothing is written if validation fails."""
        if not str(editor).strip():
            raise ValueError("an editor name is required for the audit log")
        return self._transaction(plan, editor=str(editor).strip(), summary=summary)

    def restore(self, commit_id: str, *, editor: str) -> CommitResult:
        """Make the data as it was right after `commit_id`, as a new change set (so the restore is audited and
        can itself be undone). Works even when the current data is invalid: restoring is how it is mended."""
        target = self.contents_at(commit_id)
        return self.replace_all(target, editor=editor, summary=f"restore the version of commit {commit_id}")

    def replace_all(self, contents: Mapping[str, bytes | None], *, editor: str, summary: str) -> CommitResult:
        """Make every table exactly `contents` (a copy from another store, a restore), validated whole, as one
        audited change set; the current data need not be valid."""
        wanted = {name: content for name, content in contents.items() if content is not None}
        return self._transaction(lambda current: wanted, editor=editor, summary=summary, allow_invalid_current=True)

    def contents_at(self, commit_id: str) -> dict[str, bytes]:
        """Every table as it was right after the change set `commit_id`: for each table, the version its latest
        change up to then wrote, else the version its first later change found, else the current one."""
        entries = list(reversed(self.history()))  # oldest first
        ids = [e["commit_id"] for e in entries]
        if commit_id not in ids:
            raise StoreError(f"no change set {commit_id!r} in the history of {self.describe()}")
        at = ids.index(commit_id)
        current = self.read_contents()
        out = {}
        for name in TABLE_NAMES:
            digest = None
            for e in reversed(entries[: at + 1]):
                if name in e.get("files", {}):
                    digest = e["files"][name]["after"]
                    break
            if digest is None:
                for e in entries[at + 1:]:
                    if name in e.get("files", {}):
                        digest = e["files"][name]["before"]
                        break
            if digest is None:
                if current.get(name) is not None:
                    out[name] = current[name]
                continue
            content = self._blob(name, digest)
            if content is None:
                raise StoreError(f"the version of {name} at {commit_id} is not kept any more in {self.describe()}")
            out[name] = content
        return out

    def _plan_change(self, current_contents: dict[str, bytes | None], plan: Plan, *, editor: str, summary: str,
                     allow_invalid_current: bool) -> tuple[Dataset | None, dict[str, bytes], Dataset | None, dict]:
        """The heart of every store's transaction, called with the writers' lock held: the current data as read
        inside it, the plan made from that, the changed tables validated whole, and the audit entry (empty when the
        plan changes nothing). Returns (current, new tables, new dataset, audit entry)."""
        current = _current_dataset(self, current_contents, allow_invalid_current)
        new, ds = self._validated_change(current_contents, plan(current))
        if not new:
            return current, {}, None, {}
        return current, new, ds, self._audit_entry(_new_commit_id(), editor, summary, current_contents, new)

    def _validated_change(self, current_contents: dict[str, bytes | None], changes: Changes | None
                          ) -> tuple[dict[str, bytes], Dataset | None]:
        """The changed tables' new bytes (identical ones dropped) and the validated would-be dataset."""
        if not changes:
            return {}, None
        unknown = set(changes) - set(TABLE_NAMES)
        if unknown:
            raise ValueError(f"not tables of the dataset: {', '.join(sorted(unknown))}")
        new = {}
        for name, value in changes.items():
            content = _as_bytes(name, value)
            old = current_contents.get(name)
            if old == content:
                continue
            if old is not None and _same_cells(old, content):  # another store's spelling of the same rows
                continue
            new[name] = content
        if not new:
            return {}, None
        ds = dataset_from_tables({**current_contents, **new}, store=self)
        return new, ds

    @staticmethod
    def _audit_entry(commit_id: str, editor: str, summary: str, current: dict[str, bytes | None],
                     new: dict[str, bytes]) -> dict:
        files = {}
        for name, content in new.items():
            old = current.get(name)
            files[name] = {**count_changes(name, old, content), "before": sha(old) if old is not None else None,
                           "after": sha(content)}
        return {"commit_id": commit_id, "when": _now(), "editor": editor, "summary": summary, "files": files}


def _current_dataset(store: Store, contents: dict[str, bytes | None], allow_invalid: bool) -> Dataset | None:
    try:
        return dataset_from_tables(contents, store=store, version=store.version())
    except DataValidationError:
        if allow_invalid:
            return None
        raise


def _new_commit_id() -> str:
    return datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]


# --- the CSV folder ---------------------------------------------------------------------------------


_LOCKS: dict[str, FileLock] = {}


class CsvFolderStore(Store):
    """The data folder: one CSV file per table (the published open data)."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)
        self.notes = []
        if not self.root.is_dir():
            raise StoreError(f"{self.root} is not a data folder (it does not exist or is not a folder)")

    def describe(self) -> str:
        return str(self.root)

    @property
    def _lock(self) -> FileLock:
        key = str(self.root.resolve())
        if key not in _LOCKS:  # one instance per folder and process: re-entrant within a thread
            _LOCKS[key] = FileLock(str(Path(key) / LOCK), timeout=LOCK_TIMEOUT_S)
        return _LOCKS[key]

    # reading ------------------------------------------------------------------------------------

    def _needs_recovery(self) -> bool:
        return (self.root / JOURNAL).exists() or any(self.root.glob(".*.tmp"))

    def read_contents(self) -> dict[str, bytes | None]:
        if self._needs_recovery():
            try:
                with self._lock:
                    self.recover()
            except PermissionError:  # a read-only copy: read what is there
                self.notes.append("an unfinished write was found but the folder is read-only; it was left as it is")
        return self._read_files()

    def _read_files(self) -> dict[str, bytes | None]:
        out: dict[str, bytes | None] = {}
        for name in TABLE_NAMES:
            path = self.root / name
            if path.is_dir():
                raise DataValidationError([Problem(name, None, None, f"{path} is a folder, not a file; move it away and "
                                                                     "put the CSV file there")])
            try:
                out[name] = path.read_bytes()
            except FileNotFoundError:
                out[name] = None
        return out

    def version(self) -> str:
        h = hashlib.sha1()
        for name in TABLE_NAMES:
            try:
                st = (self.root / name).stat()
                h.update(f"{name}:{st.st_mtime_ns}:{st.st_size}:{st.st_ino};".encode())
            except FileNotFoundError:
                h.update(f"{name}:-;".encode())
        return h.hexdigest()[:16]

    # recovery -----------------------------------------------------------------------------------

    def recover(self) -> list[str]:
        """Finish a write that was interrupted after its journal was written (its files and its audit entry land
        together); discard one whose journal is torn or that died before its journal (the old data stands).
        Call with the lock held. Returns notes for people."""
        notes = []
        journal = self.root / JOURNAL
        if journal.exists():
            try:
                record = json.loads(journal.read_text(encoding="utf-8"))
                payload = record["payload"]
                if record.get("checksum") != sha(json.dumps(payload, sort_keys=True).encode()):
                    raise ValueError("checksum mismatch")
                renames = payload["renames"]
                for tmp, target, digest in renames:
                    src = self.root / tmp
                    if src.exists():
                        if sha(src.read_bytes()) != digest:
                            raise ValueError(f"temporary file {tmp} is incomplete")
                        os.replace(src, self.root / target)
                self._append_audit(payload["audit"])
                journal.unlink()
                notes.append(f"completed the interrupted write {payload['audit']['commit_id']} "
                             f"({payload['audit']['summary']}) before reading")
            except (ValueError, KeyError, TypeError) as exc:  # JSONDecodeError is a ValueError
                journal.unlink()
                notes.append(f"discarded an unfinished write whose journal was incomplete ({exc}); the data is as it "
                             "was before that write")
        for orphan in self.root.glob(".*.tmp"):
            orphan.unlink()
        self._fsync_dir()
        self.notes.extend(notes)
        return notes

    # writing ------------------------------------------------------------------------------------

    def _transaction(self, plan: Plan, *, editor: str, summary: str, allow_invalid_current: bool = False) -> CommitResult:
        with self._lock:
            self.recover()
            current_contents = self._read_files()
            current, new, ds, entry = self._plan_change(current_contents, plan, editor=editor, summary=summary,
                                                        allow_invalid_current=allow_invalid_current)
            if not new:
                return CommitResult(dataset=current)
            self._write(entry["commit_id"], current_contents, new, entry)
            ds.version = self.version()
            return CommitResult(entry["commit_id"], sorted(new), entry, ds)

    def _write(self, commit_id: str, current: dict[str, bytes | None], new: dict[str, bytes], entry: dict) -> None:
        backups = self.root / BACKUPS
        backups.mkdir(exist_ok=True)
        for name, content in new.items():  # every version is kept, by checksum, so any can be restored
            for version in (current.get(name), content):
                if version is not None:
                    path = backups / f"{name}.{sha(version)[:16]}"
                    if not path.exists():
                        self._write_durably(path, version)
        renames = []
        for name, content in new.items():
            tmp = self.root / f".{name}.{commit_id}.tmp"
            self._write_durably(tmp, content)
            renames.append((tmp.name, name, sha(content)))
        _crash_point("before_journal")
        payload = {"renames": renames, "audit": entry}
        record = {"checksum": sha(json.dumps(payload, sort_keys=True).encode()), "payload": payload}
        tmp_journal = self.root / f".journal.{commit_id}.tmp"
        self._write_durably(tmp_journal, json.dumps(record).encode())
        os.replace(tmp_journal, self.root / JOURNAL)
        self._fsync_dir()
        _crash_point("after_journal")
        for i, (tmp, target, _) in enumerate(renames):
            os.replace(self.root / tmp, self.root / target)
            if i == 0:
                _crash_point("after_first_rename")
        self._fsync_dir()
        _crash_point("before_audit")
        self._append_audit(entry)
        _crash_point("after_audit")
        (self.root / JOURNAL).unlink()
        self._fsync_dir()

    @staticmethod
    def _write_durably(path: Path, content: bytes) -> None:
        with open(path, "wb") as fh:
            fh.write(content)
            fh.flush()
            os.fsync(fh.fileno())

    def _fsync_dir(self) -> None:
        try:
            fd = os.open(self.root, os.O_RDONLY)
        except OSError:
            return
        try:
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)

    def _append_audit(self, entry: dict) -> None:
        """Append one change set's entry, once: recovery may call this for an entry that already landed."""
        log = self.root / AUDIT_LOG
        if any(e.get("commit_id") == entry["commit_id"] for e in self._audit_entries(tail=50)):
            return
        prefix = b""
        if log.exists() and log.stat().st_size:
            with open(log, "rb") as fh:
                fh.seek(-1, os.SEEK_END)
                if fh.read(1) != b"\n":
                    prefix = b"\n"  # a line torn by a crash stays apart (and is skipped when read)
        with open(log, "ab") as fh:
            fh.write(prefix + json.dumps(entry, ensure_ascii=False).encode("utf-8") + b"\n")
            fh.flush()
            os.fsync(fh.fileno())

    def _audit_entries(self, tail: int | None = None) -> list[dict]:
        log = self.root / AUDIT_LOG
        if not log.exists():
            return []
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
        if tail:
            lines = lines[-tail:]
        out = []
        for line in lines:
            try:
                e = json.loads(line)
            except ValueError:
                continue
            if isinstance(e, dict):
                out.append(e)
        return out

    # history ------------------------------------------------------------------------------------

    def history(self, limit: int | None = None) -> list[dict]:
        entries = [e for e in self._audit_entries() if "commit_id" in e]
        entries.reverse()
        return entries[:limit] if limit else entries

    def _blob(self, name: str, digest: str) -> bytes | None:
        path = self.root / BACKUPS / f"{name}.{digest[:16]}"
        return path.read_bytes() if path.exists() else None


# --- choosing a store ----------------------------------------------------------------------------------


def is_database_url(spec: str) -> bool:
    return str(spec).startswith(("postgresql://", "postgres://"))


def configured_store_spec(spec: str | os.PathLike | None = None) -> str:
    """The store to use: the argument, else $COMPLIANCE_STORE, else $COMPLIANCE_DATA_DIR, else the bundled data/."""
    if spec:
        return str(spec)
    return os.environ.get(STORE_ENV) or os.environ.get(DATA_DIR_ENV) or str(DEFAULT_DATA_DIR)


def open_store(spec: str | os.PathLike | None = None) -> Store:
    """A folder path or a postgresql:// address -> the store (the default: $COMPLIANCE_STORE or data/)."""
    spec = configured_store_spec(spec)
    if is_database_url(spec):
        from .pgstore import PostgresStore

        return PostgresStore(spec)
    return CsvFolderStore(spec)


# --- the writers' plans ----------------------------------------------------------------------------------


def add_observation(store: Store, *, criterion_id: str, observed_date: str, met: str, source_ids: str,
                    note: str | None, editor: str, locator: str | None = None) -> tuple[str, CommitResult]:
    """Record one observation (validated by the same models and cross-checks as the files); its id is drawn
    inside the write path, so two editors adding at once get distinct ids and neither is lost. The editor is its
    writer (recorded_by): it counts once someone else has read it (compliance.reading)."""
    drawn = {}

    def plan(current: Dataset):
        obs = current.table("observations.csv")
        oid = drawn["id"] = next_id(obs["observation_id"], "O")
        row = {"observation_id": oid, "criterion_id": criterion_id, "observed_date": observed_date, "met": met,
               "source_ids": source_ids, "note": note or None, "locator": locator or None, "recorded_by": editor}
        return {"observations.csv": pd.concat([obs, pd.DataFrame([row])], ignore_index=True)}

    result = store.apply(plan, editor=editor, summary=f"observation on {criterion_id}")
    return drawn["id"], result


UPLOAD_TABLES = ("observations.csv", "assessments.csv")


def merge_upload(current: Dataset, name: str, upload: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """Merge uploaded rows of observations.csv or assessments.csv by id: new ids are added, identical rows
    skipped, rows with an existing id but other values replace it (reported as changed)."""
    if name not in UPLOAD_TABLES:
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
    dup = upload[key].duplicated(keep="first")
    if dup.any():
        rows = ", ".join(str(i + 1) for i in upload.index[dup][:20])
        raise DataValidationError([Problem(f"upload for {name}", None, key,
                                           f"the same id appears twice (rows {rows} of the upload); keep one row per id")])
    cur_tbl = current.table(name).fillna("").astype(str)
    upload = upload[cols].astype(str)
    cur = cur_tbl.set_index(key)
    up = upload.set_index(key)
    added = up.index.difference(cur.index, sort=False)
    common = up.index.intersection(cur.index, sort=False)
    changed = [i for i in common if not (up.loc[i] == cur.loc[i]).all()]
    merged = cur.copy()
    merged.loc[changed] = up.loc[changed]
    merged = pd.concat([merged, up.loc[added]])
    return merged.reset_index(), {"added": len(added), "changed": len(changed), "unchanged": len(common) - len(changed)}


def apply_upload(store: Store, name: str, upload: pd.DataFrame, *, editor: str, summary: str) -> tuple[dict, CommitResult]:
    """Merge an upload into the current data inside the write path (so nothing saved meanwhile is lost)."""
    counts = {}

    def plan(current: Dataset):
        merged, c = merge_upload(current, name, upload)
        counts.update(c)
        return {name: merged} if (c["added"] or c["changed"]) else None

    result = store.apply(plan, editor=editor, summary=summary)
    return counts, result
