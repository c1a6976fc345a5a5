"""Nothing already saved can be lost: validation before writing, atomic multi-file commits with recovery,
backups, serialised writers and an audit log."""

from __future__ import annotations

import json
import shutil
import threading

import pandas as pd
import pytest

from compliance.data import DataValidationError, load_dataset
from compliance.store import AUDIT_LOG, BACKUPS, JOURNAL, add_observation, commit, frame_to_csv, merge_upload, recover
from conftest import ROOT


@pytest.fixture
def data(tmp_path):
    root = tmp_path / "data"
    shutil.copytree(ROOT / "data", root)
    return root


def snapshot(root):
    return {p.name: p.read_bytes() for p in root.glob("*.csv")}


def test_add_observation_appends_with_backup_and_audit(data):
    ds = load_dataset(data)
    before = (data / "observations.csv").read_bytes()
    oid, result = add_observation(data, ds, criterion_id="moratorium-in-force", observed_date="2026-06-01", met="no",
                                  source_ids="S99", note="test note", editor="Test Editor")
    ds2 = load_dataset(data)
    assert len(ds2.observations) == len(ds.observations) + 1
    assert ds2.observations.iloc[-1]["observation_id"] == oid == f"O{len(ds.observations) + 1:03d}"
    backups = list((data / BACKUPS).glob("observations.csv.*"))
    assert len(backups) == 1 and backups[0].read_bytes() == before
    entry = json.loads((data / AUDIT_LOG).read_text().splitlines()[-1])
    assert entry["editor"] == "Test Editor" and entry["file"] == "data/observations.csv"
    assert entry["rows_added"] == 1 and entry["rows_changed"] == 0


def test_invalid_observation_writes_nothing(data):
    ds = load_dataset(data)
    before = snapshot(data)
    with pytest.raises(DataValidationError) as exc:
        add_observation(data, ds, criterion_id="no-such-criterion", observed_date="2026-13-01", met="maybe",
                        source_ids="NOPE", note=None, editor="x")
    text = str(exc.value)
    assert 'field "met"' in text and 'field "observed_date"' in text
    assert snapshot(data) == before and not (data / AUDIT_LOG).exists()


def two_file_change(data):
    ds = load_dataset(data)
    recs = ds.table("recommendations.csv")
    recs.loc[0, "summary"] = "Changed summary"
    obs = ds.table("observations.csv")
    obs.loc[0, "note"] = "Changed note"
    return {"observations.csv": frame_to_csv(obs, "observations.csv"),
            "recommendations.csv": frame_to_csv(recs, "recommendations.csv")}


@pytest.mark.parametrize("fail_after", [0, 1])
def test_crash_during_commit_keeps_old_data_loadable_and_recovery_lands_the_whole_change(data, fail_after):
    before = snapshot(data)
    tables = two_file_change(data)
    with pytest.raises(RuntimeError):
        commit(data, tables, editor="x", summary="t", fail_after=fail_after)
    load_dataset(data)  # whatever happened, the folder still loads
    if fail_after == 0:
        assert snapshot(data) == before  # crashed before any rename: byte-identical
    assert (data / JOURNAL).exists()
    recover(data)  # next open: the change lands in both files, never in one only
    ds2 = load_dataset(data)
    assert ds2.recommendations.iloc[0]["summary"] == "Changed summary"
    assert ds2.observations.iloc[0]["note"] == "Changed note"
    assert not list(data.glob(".*.tmp")) and not (data / JOURNAL).exists()


def test_crash_before_the_journal_leaves_everything_as_it_was(data, monkeypatch):
    before = snapshot(data)
    tables = two_file_change(data)
    import compliance.store as store

    real = store.os.fsync
    calls = {"n": 0}

    def dying_fsync(fd):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk vanished")
        return real(fd)

    monkeypatch.setattr(store.os, "fsync", dying_fsync)
    with pytest.raises(OSError):
        commit(data, tables, editor="x", summary="t")
    monkeypatch.setattr(store.os, "fsync", real)
    recover(data)
    assert snapshot(data) == before and not list(data.glob(".*.tmp"))
    load_dataset(data)


def test_concurrent_writers_do_not_interleave(data):
    errors, ids = [], []

    def writer(i):
        try:
            oid, _ = add_observation(data, criterion_id="moratorium-in-force", observed_date="2026-01-01", met="no",
                                     source_ids="S99", note=f"writer {i}", editor=f"w{i}")
            ids.append(oid)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    n_before = len(load_dataset(data).observations)
    threads = [threading.Thread(target=writer, args=(i,)) for i in range(6)]
    [t.start() for t in threads]
    [t.join(120) for t in threads]
    assert errors == []
    assert len(set(ids)) == 6
    ds = load_dataset(data)
    assert len(ds.observations) == n_before + 6
    assert set(ds.observations["note"].dropna()) >= {f"writer {i}" for i in range(6)}
    log = [json.loads(line) for line in (data / AUDIT_LOG).read_text().splitlines()]
    assert len(log) == 6 and {e["editor"] for e in log} == {f"w{i}" for i in range(6)}


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


def test_merge_upload_wrong_columns(data):
    ds = load_dataset(data)
    with pytest.raises(DataValidationError) as exc:
        merge_upload(ds, "observations.csv", pd.DataFrame({"foo": [1]}))
    assert "columns must be exactly" in str(exc.value)
