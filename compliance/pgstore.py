"""The PostgreSQL store: the same contract as the CSV folder, for a team (several editors, several app servers).

- One SQL table per data table, created from the declaration in compliance.schema: text columns (cells are kept as
  the text the CSV folder holds, so a copy round-trips exactly; the row models validate them), NOT NULL where a
  column is required, the primary key (or UNIQUE NULLS NOT DISTINCT where a key column may be empty), and deferred
  foreign keys for the plain references. A hidden `_pos` column keeps the rows in the order the CSV file has.
- A change set is one transaction. It first takes a transaction-level advisory lock, so writers on any number of
  app servers are serialised like the folder's file lock: the plan is made from the data as committed by then, ids
  drawn inside it cannot collide, and a writer killed mid-change leaves nothing (the transaction rolls back).
- `_compliance_commits` is the audit table and the history (one row per change set; its number is the version
  token every app server reads on each rerun); `_compliance_blobs` keeps every version of every table written
  (compressed, by checksum), so any version can be restored.
"""

from __future__ import annotations

import io
import json
import threading
import zlib
from urllib.parse import urlsplit, urlunsplit

import pandas as pd
import psycopg
from psycopg import sql

from .schema import TABLES, TableSpec
from .schema import spec as table_spec
from .store import (
    CommitResult,
    Plan,
    Store,
    StoreError,
    _cells,
    _crash_point,
    sha,
)

#: pg_advisory_xact_lock key shared by every writer of the dataset ("UPRC" in ASCII)
LOCK_KEY = 0x55505243
POS = "_pos"


def _table_ddl(t: TableSpec) -> sql.Composed:
    cols = [sql.SQL("{} bigint NOT NULL").format(sql.Identifier(POS))]
    for c in t.columns:
        cols.append(sql.SQL("{} text{}").format(sql.Identifier(c), sql.SQL(" NOT NULL" if t.required(c) else "")))
    keys = sql.SQL(", ").join(sql.Identifier(k) for k in t.key)
    if all(t.required(k) for k in t.key):
        cols.append(sql.SQL("PRIMARY KEY ({})").format(keys))
    else:
        cols.append(sql.SQL("UNIQUE NULLS NOT DISTINCT ({})").format(keys))
    return sql.SQL("CREATE TABLE IF NOT EXISTS {} ({})").format(sql.Identifier(t.table), sql.SQL(", ").join(cols))


def _foreign_keys() -> list[sql.Composed]:
    out = []
    for t in TABLES:
        for ref in t.references:
            if not ref.is_foreign_key:
                continue
            target_table, target_col = ref.targets[0]
            target = table_spec(target_table)
            if target.key != (target_col,):
                continue
            name = f"fk_{t.table}_{ref.column}"
            out.append(sql.SQL(
                "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = {name}) THEN "
                "ALTER TABLE {t} ADD CONSTRAINT {cname} FOREIGN KEY ({c}) REFERENCES {tt} ({tc}) "
                "DEFERRABLE INITIALLY DEFERRED; END IF; END $$").format(
                name=sql.Literal(name), t=sql.Identifier(t.table), cname=sql.Identifier(name),
                c=sql.Identifier(ref.column), tt=sql.Identifier(target.table), tc=sql.Identifier(target_col)))
    return out


META_DDL = [
    """CREATE TABLE IF NOT EXISTS _compliance_commits (
        commit_no bigserial PRIMARY KEY,
        commit_id text NOT NULL UNIQUE,
        committed_at timestamptz NOT NULL DEFAULT now(),
        editor text NOT NULL,
        summary text NOT NULL,
        entry jsonb NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS _compliance_blobs (
        sha text PRIMARY KEY,
        table_name text NOT NULL,
        content bytea NOT NULL)""",
]


def redact(url: str) -> str:
    """The address without its password, for messages."""
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        parts = parts._replace(netloc=netloc)
    return urlunsplit(parts)


class PostgresStore(Store):
    """A PostgreSQL database (one dataset per database or per `search_path` schema)."""

    def __init__(self, url: str):
        self.url = url
        self.notes = []
        self._local = threading.local()
        try:
            with psycopg.connect(url, autocommit=True) as conn:
                self._initialise(conn)
        except psycopg.OperationalError as exc:
            raise StoreError(f"cannot reach {redact(url)}: {str(exc).strip().splitlines()[0]}") from None

    def describe(self) -> str:
        return redact(self.url)

    def _initialise(self, conn) -> None:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
            for stmt in META_DDL:
                conn.execute(stmt)
            for t in TABLES:
                conn.execute(_table_ddl(t))
            for stmt in _foreign_keys():
                conn.execute(stmt)

    def _reader(self):
        """One autocommit connection per thread for reads (Streamlit serves each session from its own thread)."""
        conn = getattr(self._local, "conn", None)
        if conn is None or conn.closed:
            conn = self._local.conn = psycopg.connect(self.url, autocommit=True)
        return conn

    # reading ------------------------------------------------------------------------------------

    def version(self) -> str:
        try:
            row = self._reader().execute("SELECT coalesce(max(commit_no), 0) FROM _compliance_commits").fetchone()
        except psycopg.OperationalError:  # a dropped connection: reconnect once
            self._local.conn = None
            row = self._reader().execute("SELECT coalesce(max(commit_no), 0) FROM _compliance_commits").fetchone()
        return f"pg-{row[0]}"

    def read_contents(self) -> dict[str, bytes | None]:
        conn = self._reader()
        with conn.transaction():  # one snapshot for every table
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            return self._copy_out(conn)

    @staticmethod
    def _copy_out(conn) -> dict[str, bytes]:
        out = {}
        for t in TABLES:
            cols = sql.SQL(", ").join(sql.Identifier(c) for c in t.columns)
            query = sql.SQL("COPY (SELECT {} FROM {} ORDER BY {}) TO STDOUT WITH (FORMAT csv, HEADER)").format(
                cols, sql.Identifier(t.table), sql.Identifier(POS))
            buf = io.BytesIO()
            with conn.cursor().copy(query) as copy:
                for chunk in copy:
                    buf.write(chunk)
            out[t.name] = buf.getvalue()
        return out

    # writing ------------------------------------------------------------------------------------

    def _transaction(self, plan: Plan, *, editor: str, summary: str, allow_invalid_current: bool = False) -> CommitResult:
        with psycopg.connect(self.url) as conn:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
                current_contents = self._copy_out(conn)
                current, new, ds, entry = self._plan_change(current_contents, plan, editor=editor, summary=summary,
                                                            allow_invalid_current=allow_invalid_current)
                if not new:
                    return CommitResult(dataset=current)
                commit_id = entry["commit_id"]
                for i, (name, content) in enumerate(sorted(new.items())):
                    self._write_table(conn, table_spec(name), current_contents.get(name), content)
                    if i == 0:
                        _crash_point("after_first_table")
                    for version in (current_contents.get(name), content):
                        if version is not None:
                            conn.execute("INSERT INTO _compliance_blobs (sha, table_name, content) VALUES (%s, %s, %s) "
                                         "ON CONFLICT (sha) DO NOTHING", (sha(version), name, zlib.compress(version)))
                row = conn.execute(
                    "INSERT INTO _compliance_commits (commit_id, editor, summary, entry) VALUES (%s, %s, %s, %s) "
                    "RETURNING commit_no", (commit_id, editor, summary, json.dumps(entry))).fetchone()
                _crash_point("before_commit")
            ds.version = f"pg-{row[0]}"
            return CommitResult(commit_id, sorted(new), entry, ds)

    @staticmethod
    def _write_table(conn, t: TableSpec, old: bytes | None, new: bytes) -> None:
        """Bring the SQL table from `old` to `new` by primary key: delete what went or changed, copy in what came
        or changed (all of it, when most rows changed)."""
        new_cells = _cells(new).reindex(columns=t.columns, fill_value="")
        new_cells.insert(0, POS, range(len(new_cells)))
        key = list(t.key)
        table = sql.Identifier(t.table)
        if old is None or len(new_cells) == 0:
            conn.execute(sql.SQL("DELETE FROM {}").format(table))
            rows = new_cells
        else:
            old_cells = _cells(old).reindex(columns=t.columns, fill_value="")
            old_cells.insert(0, POS, range(len(old_cells)))
            old_idx = pd.MultiIndex.from_frame(old_cells[key])
            new_idx = pd.MultiIndex.from_frame(new_cells[key])
            # a row stays as it is only when its cells and its place are the same (appending keeps every old row)
            merged = new_cells.merge(old_cells.assign(_old=True), how="left", on=[POS, *t.columns])
            unchanged = merged["_old"].fillna(False).astype(bool).to_numpy()
            rows = new_cells[~unchanged]
            gone = old_idx.difference(new_idx)
            stale = pd.MultiIndex.from_frame(rows[key]).intersection(old_idx)
            to_delete = gone.append(stale)
            if len(to_delete) > len(old_cells) // 2:
                conn.execute(sql.SQL("DELETE FROM {}").format(table))
                rows = new_cells
            elif len(to_delete):
                cond = sql.SQL(" AND ").join(sql.SQL("{} IS NOT DISTINCT FROM %s").format(sql.Identifier(k)) for k in key)
                with conn.cursor() as cur:
                    cur.executemany(sql.SQL("DELETE FROM {} WHERE {}").format(table, cond),
                                    [tuple(v or None for v in (k if isinstance(k, tuple) else (k,))) for k in to_delete])
        if len(rows):
            cols = sql.SQL(", ").join(sql.Identifier(c) for c in [POS, *t.columns])
            with conn.cursor().copy(sql.SQL("COPY {} ({}) FROM STDIN").format(table, cols)) as copy:
                for rec in rows.itertuples(index=False):
                    copy.write_row([rec[0], *[(v if v != "" else None) for v in rec[1:]]])

    # history ------------------------------------------------------------------------------------

    def history(self, limit: int | None = None) -> list[dict]:
        q = "SELECT entry FROM _compliance_commits ORDER BY commit_no DESC" + (" LIMIT %s" if limit else "")
        rows = self._reader().execute(q, (limit,) if limit else ()).fetchall()
        return [r[0] for r in rows]

    def _blob(self, name: str, digest: str) -> bytes | None:
        row = self._reader().execute("SELECT content FROM _compliance_blobs WHERE sha = %s", (digest,)).fetchone()
        return zlib.decompress(row[0]) if row else None
