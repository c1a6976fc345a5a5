"""Nothing already saved can be lost: one write path that plans under the lock, validation before writing,
atomic multi-file commits with recovery at every kill point, content-addressed backups, one audit entry per change."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading

import pandas as pd
import pytest
from conftest import ROOT

from compliance.data import DataValidationError, file_columns, load_dataset
from compliance.store import (
    AUDIT_LOG,
    BACKUPS,
    CRASH_ENV,
    CRASH_POINTS,
    JOURNAL,
    CsvFolderStore,
    add_observation,
    apply_upload,
    frame_to_csv,
    merge_upload,
)


@pytest.fixture
def data(tmp_path):
    root = tmp_path / "data"
    shutil.copytree(ROOT / "data", root, ignore=shutil.ignore_patterns(".*", "audit.log"))
    return root


def snapshot(root):
    return {p.name: p.read_bytes() for p in root.glob("*.csv")}


def audit(root) -> list[dict]:
    path = root / AUDIT_LOG
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def uprinfo_file(path, text: str, session: int = 50):
    """A one-row UPR Info export about Belarus (a made-up ask for tests; never written into data/)."""
    path.write_text("To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session\n"
                    f"Belarus,EEG,CIS,{text},Norway,WEOG,,Accepted,4,Justice,{session}\n")
    return path


def cli(*args, env=None, timeout=120):
    return subprocess.run([sys.executable, "-m", "compliance", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


def n_recommendations(root) -> int:
    return len(load_dataset(root).recommendations)


# --- one change set -----------------------------------------------------------------------------------------


def test_add_observation_appends_with_backup_and_one_audit_entry(data):
    store = CsvFolderStore(data)
    ds = store.load()
    before = (data / "observations.csv").read_bytes()
    oid, result = add_observation(store, locator="p. 1", criterion_id="moratorium-in-force", observed_date="2026-06-01", met="no",
                                  source_ids="S99", note="test note", editor="Test Editor")
    ds2 = load_dataset(data)
    assert len(ds2.table("observations.csv")) == len(ds.table("observations.csv")) + 1
    assert ds2.table("observations.csv").iloc[-1]["observation_id"] == oid
    # the previous version is kept under its checksum, and so is the new one
    kept = {p.read_bytes() for p in (data / BACKUPS).glob("observations.csv.*")}
    assert kept == {before, (data / "observations.csv").read_bytes()}
    [entry] = audit(data)
    assert entry["editor"] == "Test Editor" and entry["commit_id"] == result.commit_id
    assert entry["files"]["observations.csv"] | {"before": None, "after": None} == {
        "rows_added": 1, "rows_changed": 0, "rows_removed": 0, "before": None, "after": None}
    assert result.dataset is not None and len(result.dataset.table("observations.csv")) == len(ds2.table("observations.csv"))


def test_invalid_observation_writes_nothing(data):
    before = snapshot(data)
    with pytest.raises(DataValidationError) as exc:
        add_observation(CsvFolderStore(data), locator="p. 1", criterion_id="no-such-criterion", observed_date="2026-13-01",
                        met="maybe", source_ids="NOPE", note=None, editor="x")
    text = str(exc.value)
    assert 'field "met"' in text and 'field "observed_date"' in text
    assert snapshot(data) == before and not (data / AUDIT_LOG).exists() and not (data / BACKUPS).exists()


def test_a_plan_that_changes_nothing_writes_nothing(data):
    before = snapshot(data)
    store = CsvFolderStore(data)
    result = store.apply(lambda current: {"criteria.csv": current.table("criteria.csv")}, editor="x", summary="noop")
    assert not result.changed and snapshot(data) == before and audit(data) == []


def test_an_editor_name_is_required(data):
    with pytest.raises(ValueError):
        CsvFolderStore(data).apply(lambda current: None, editor=" ", summary="s")


def test_the_plan_sees_the_data_as_it_is_inside_the_lock(data):
    """The lost-update bug: a change planned from data read before another write landed overwrote it."""
    store = CsvFolderStore(data)
    stale = store.load()
    add_observation(store, locator="p. 1", criterion_id="moratorium-in-force", observed_date="2026-01-01", met="no", source_ids="S99",
                    note="landed first", editor="a")
    seen = {}

    def plan(current):
        seen["n"] = len(current.table("observations.csv"))
        return None

    store.apply(plan, editor="b", summary="look")
    assert seen["n"] == len(stale.table("observations.csv")) + 1


# --- many writers ----------------------------------------------------------------------------------------------


def test_threads_adding_at_once_get_distinct_ids_and_lose_nothing(data):
    store = CsvFolderStore(data)
    errors, ids = [], []

    def writer(i):
        try:
            oid, _ = add_observation(store, locator="p. 1", criterion_id="moratorium-in-force", observed_date="2026-01-01", met="no",
                                     source_ids="S99", note=f"writer {i}", editor=f"w{i}")
            ids.append(oid)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    n_before = len(load_dataset(data).table("observations.csv"))
    threads = [threading.Thread(target=writer, args=(i,)) for i in range(6)]
    [t.start() for t in threads]
    [t.join(120) for t in threads]
    assert errors == []
    assert len(set(ids)) == 6
    ds = load_dataset(data)
    assert len(ds.table("observations.csv")) == n_before + 6
    assert set(ds.table("observations.csv")["note"].dropna()) >= {f"writer {i}" for i in range(6)}
    assert sorted(e["editor"] for e in audit(data)) == sorted(f"w{i}" for i in range(6))


WRITER = """
import sys
from pathlib import Path
from compliance.cli import main
data, tag, rounds = sys.argv[1], sys.argv[2], int(sys.argv[3])
for i in range(rounds):
    p = Path(data).parent / f"{tag}{i}.csv"
    p.write_text("To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session\\n"
                 f"Belarus,EEG,CIS,Concurrency test ask {tag} {i},Norway,WEOG,,Accepted,4,Justice,50\\n")
    code = main(["import", str(p), "--data", data, "--editor", tag])
    if code != 0:
        sys.exit(code)
"""


def test_two_processes_importing_at_once_lose_nothing(data):
    """Two processes, 20 imports each, at the same time: 40 recommendations added, 40 audit entries."""
    n0 = n_recommendations(data)
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(data), tag, "20"], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE) for tag in ("a", "b")]
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err.decode()[-2000:]
    assert n_recommendations(data) == n0 + 40
    entries = audit(data)
    assert len(entries) == 40 and len({e["commit_id"] for e in entries}) == 40
    assert all(e["files"]["recommendations.csv"]["rows_removed"] == 0 for e in entries)
    assert sorted(e["editor"] for e in entries) == ["a"] * 20 + ["b"] * 20


# --- crashes ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("point", CRASH_POINTS)
def test_a_write_killed_at_any_step_is_wholly_in_or_out_and_the_next_import_works(data, tmp_path, point):
    before = snapshot(data)
    n0 = n_recommendations(data)
    killed = cli("import", str(uprinfo_file(tmp_path / "killed.csv", "Killed write ask")), "--data", str(data),
                 env={CRASH_ENV: point})
    assert killed.returncode == 137, killed.stderr
    landed = point != "before_journal"  # once the journal is durable, the change is committed
    ok = cli("import", str(uprinfo_file(tmp_path / "next.csv", "Next write ask")), "--data", str(data), "--editor", "next")
    assert ok.returncode == 0, ok.stderr
    ds = load_dataset(data)
    summaries = set(ds.recommendations["summary"])
    assert "Next write ask" in summaries
    assert ("Killed write ask" in summaries) is landed
    assert len(ds.recommendations) == n0 + 1 + landed
    # the change and its audit entry land together or not at all, each once
    entries = audit(data)
    assert len(entries) == 1 + landed and len({e["commit_id"] for e in entries}) == len(entries)
    assert not (data / JOURNAL).exists() and not list(data.glob(".*.tmp"))
    if not landed:
        assert {k: v for k, v in snapshot(data).items() if k not in ("recommendations.csv", "recommendation_states.csv",
                                                                       "sources.csv")} == {
            k: v for k, v in before.items() if k not in ("recommendations.csv", "recommendation_states.csv", "sources.csv")}


@pytest.mark.parametrize("point", ["after_journal", "after_first_rename"])
def test_validate_completes_an_interrupted_write_before_reading(data, tmp_path, point):
    killed = cli("import", str(uprinfo_file(tmp_path / "k.csv", "Half written ask")), "--data", str(data),
                 env={CRASH_ENV: point})
    assert killed.returncode == 137
    v = cli("validate", "--data", str(data))
    assert v.returncode == 0, v.stderr
    assert "completed the interrupted write" in v.stderr
    assert "Half written ask" in set(load_dataset(data).recommendations["summary"])


@pytest.mark.parametrize("journal", [b'{"checksum": "0", "payload": {"renames": [["', b"", b"\x00\x00garbage",
                                     b'{"checksum": "wrong", "payload": {"renames": [], "audit": {}}}'])
def test_a_torn_journal_is_discarded_whole_with_a_message(data, tmp_path, journal):
    before = snapshot(data)
    (data / JOURNAL).write_bytes(journal)
    (data / ".recommendations.csv.torn.tmp").write_bytes(b"recommendation_id\nC9-1\n")  # its half-made file
    v = cli("validate", "--data", str(data))
    assert v.returncode == 0, v.stderr
    assert "discarded an unfinished write" in v.stderr
    assert snapshot(data) == before and not (data / JOURNAL).exists() and not list(data.glob(".*.tmp"))
    ok = cli("import", str(uprinfo_file(tmp_path / "after.csv", "After torn journal ask")), "--data", str(data))
    assert ok.returncode == 0, ok.stderr


def test_a_torn_audit_line_is_skipped_and_the_next_entry_lands_whole(data):
    store = CsvFolderStore(data)
    add_observation(store, locator="p. 1", criterion_id="moratorium-in-force", observed_date="2026-01-01", met="no", source_ids="S99",
                    note="one", editor="a")
    with open(data / AUDIT_LOG, "ab") as fh:
        fh.write(b'{"commit_id": "torn", "wh')
    add_observation(store, locator="p. 1", criterion_id="moratorium-in-force", observed_date="2026-01-02", met="no", source_ids="S99",
                    note="two", editor="b")
    assert [e["editor"] for e in store.history()] == ["b", "a"]


# --- history and restore ---------------------------------------------------------------------------------------


def test_history_and_restore_an_earlier_version(data):
    store = CsvFolderStore(data)
    original = (data / "observations.csv").read_bytes()
    _, first = add_observation(store, locator="p. 1", criterion_id="moratorium-in-force", observed_date="2026-01-01", met="no",
                               source_ids="S99", note="first", editor="a")
    after_first = (data / "observations.csv").read_bytes()
    add_observation(store, locator="p. 1", criterion_id="moratorium-in-force", observed_date="2026-01-02", met="no", source_ids="S99",
                    note="second", editor="b")
    assert [e["editor"] for e in store.history()] == ["b", "a"]
    restored = store.restore(first.commit_id, editor="c")
    assert (data / "observations.csv").read_bytes() == after_first
    assert restored.changed and store.history()[0]["summary"].startswith("restore")
    # the restore is itself a version: the state before it can be restored in turn
    store.restore(store.history()[1]["commit_id"], editor="c")
    assert "second" in set(load_dataset(data).table("observations.csv")["note"].dropna())
    assert original != after_first


# --- uploads ---------------------------------------------------------------------------------------------------


def test_merge_upload_adds_changes_and_skips(data):
    ds = load_dataset(data)
    cur = ds.table("observations.csv").astype(object)
    cur = cur.where(cur.notna(), "").astype(str)
    up = cur.head(2).copy()
    up.loc[up.index[1], "note"] = "corrected note"
    new_row = up.iloc[[0]].copy()
    new_row["observation_id"] = "O999"
    up = pd.concat([up, new_row], ignore_index=True)
    merged, counts = merge_upload(ds, "observations.csv", up)
    assert counts == {"added": 1, "changed": 1, "unchanged": 1}
    assert len(merged) == len(cur) + 1
    counts2, result = apply_upload(CsvFolderStore(data), "observations.csv", up, editor="e", summary="upload")
    assert counts2 == counts and result.changed
    assert "corrected note" in set(load_dataset(data).table("observations.csv")["note"].dropna())


@pytest.mark.parametrize("upload,message", [
    (pd.DataFrame({"foo": [1]}), "columns must be exactly"),
    (pd.DataFrame([{c: "" for c in file_columns("observations.csv")} | {"observation_id": "O9", "criterion_id": "x",
                    "observed_date": "2020", "met": "no", "source_ids": "S99"}] * 2),
     "the same id appears twice (rows 2 of the upload)"),
])
def test_bad_uploads_are_refused_with_a_message(data, upload, message):
    with pytest.raises(DataValidationError) as exc:
        merge_upload(load_dataset(data), "observations.csv", upload)
    assert message in str(exc.value)


def test_frame_to_csv_round_trips_the_shipped_files(data):
    ds = load_dataset(data)
    for name in ("observations.csv", "pledges.csv", "recommendation_states.csv"):
        assert frame_to_csv(ds.table(name), name) == (data / name).read_bytes()


def test_the_cycle1_build_script_writes_through_the_store_and_keeps_imported_rows(data, tmp_path):
    """Re-running the script that derives cycle 1 from the UN report must not erase what was imported since."""
    ok = cli("import", str(uprinfo_file(tmp_path / "imp.csv", "Imported before the rebuild")), "--data", str(data))
    assert ok.returncode == 0, ok.stderr
    proc = subprocess.run([sys.executable, "scripts/build_cycle1_recommendations.py", "--store", str(data)], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert "already held them" in proc.stderr  # the shipped cycle-1 rows are exactly what the script derives
    ds = load_dataset(data)
    assert "Imported before the rebuild" in set(ds.recommendations["summary"])
    assert (ds.recommendations["cycle"] == 1).sum() == 93
