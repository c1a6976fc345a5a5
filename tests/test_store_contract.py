"""One contract, two stores: the CSV folder and PostgreSQL (a real server, tests/pgcluster.py) read the same
dataset, apply change sets atomically with one audit entry each, change their version token with every commit,
keep a history that can be restored, write nothing when validation fails, and lose nothing under concurrency."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from conftest import ROOT

from compliance.cli import build_summary, main
from compliance.data import DataValidationError
from compliance.store import CRASH_ENV, CsvFolderStore, add_observation, open_store

KINDS = ("csv", "postgresql")


@pytest.fixture(params=KINDS)
def store_url(request, tmp_path) -> str:
    """An empty store of each kind."""
    if request.param == "csv":
        (tmp_path / "store").mkdir()
        return str(tmp_path / "store")
    return request.getfixturevalue("pg_url")


@pytest.fixture
def store(store_url):
    """A store of each kind holding the shipped dataset (seeded as one change set)."""
    s = open_store(store_url)
    s.replace_all(CsvFolderStore(ROOT / "data").read_contents(), editor="seed", summary="seed from data/")
    return s


def observe(store, note: str, editor: str = "tester"):
    return add_observation(store, locator="p. 1", criterion_id="moratorium-in-force", observed_date="2026-01-01", met="no",
                           source_ids="S99", note=note, editor=editor)


def test_it_reads_the_same_dataset_as_the_folder(store):
    shipped = CsvFolderStore(ROOT / "data").load()
    ds = store.load()
    assert ds.row_count == shipped.row_count
    for name in shipped.frames:
        assert ds.table(name).equals(shipped.table(name)), name
    assert build_summary(ds, as_of="2026-01-01") == build_summary(shipped, as_of="2026-01-01")


def test_apply_changes_the_data_the_version_and_the_history(store):
    v0, n0 = store.version(), len(store.load().table("observations.csv"))
    oid, result = observe(store, "contract test")
    assert result.changed and result.files == ["observations.csv"]
    ds = store.load()
    assert len(ds.table("observations.csv")) == n0 + 1 and ds.version == store.version() != v0
    assert ds.table("observations.csv").set_index("observation_id").at[oid, "note"] == "contract test"
    [last, seed] = store.history()
    assert last["commit_id"] == result.commit_id and last["editor"] == "tester" and seed["editor"] == "seed"
    assert last["files"]["observations.csv"]["rows_added"] == 1


def test_a_plan_that_changes_nothing_commits_nothing(store):
    v0, h0 = store.version(), len(store.history())
    result = store.apply(lambda current: {"criteria.csv": current.table("criteria.csv")}, editor="x", summary="noop")
    assert not result.changed and store.version() == v0 and len(store.history()) == h0


def test_validation_errors_write_nothing(store):
    v0, before = store.version(), store.read_contents()
    with pytest.raises(DataValidationError) as exc:
        add_observation(store, locator="p. 1", criterion_id="ghost", observed_date="2021-02-30", met="maybe", source_ids="NOPE",
                        note=None, editor="x")
    assert 'field "met"' in str(exc.value)
    assert store.version() == v0 and store.read_contents() == before


def test_history_restores_an_earlier_version(store):
    _, first = observe(store, "first")
    after_first = store.load().table("observations.csv")
    observe(store, "second")
    result = store.restore(first.commit_id, editor="restorer")
    assert result.changed and store.history()[0]["editor"] == "restorer"
    assert store.load().table("observations.csv").equals(after_first)


WRITER = """
import sys
from compliance.store import add_observation, open_store
store = open_store(sys.argv[1])
for i in range(int(sys.argv[3])):
    add_observation(store, locator="p. 1", criterion_id="moratorium-in-force", observed_date="2026-01-01", met="no",
                    source_ids="S99", note=f"{sys.argv[2]} {i}", editor=sys.argv[2])
"""


def test_two_processes_applying_20_change_sets_each_lose_nothing(store, store_url):
    n0, h0 = len(store.load().table("observations.csv")), len(store.history())
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, store_url, tag, "20"], cwd=ROOT, stderr=subprocess.PIPE)
             for tag in ("a", "b")]
    for p in procs:
        _, err = p.communicate(timeout=600)
        assert p.returncode == 0, err.decode()[-2000:]
    ds = open_store(store_url).load()
    added = ds.table("observations.csv").iloc[n0:]
    assert len(ds.table("observations.csv")) == n0 + 40
    assert added["observation_id"].is_unique and set(added["note"]) == {f"{t} {i}" for t in "ab" for i in range(20)}
    history = store.history()
    assert len(history) == h0 + 40 and sorted(e["editor"] for e in history[:40]) == ["a"] * 20 + ["b"] * 20


@pytest.mark.parametrize("point", ["after_first_table", "before_commit"])
def test_a_database_writer_killed_mid_change_leaves_the_store_unchanged(pg_url, point):
    store = open_store(pg_url)
    store.replace_all(CsvFolderStore(ROOT / "data").read_contents(), editor="seed", summary="seed")
    v0, before = store.version(), store.read_contents()
    change = ("import sys\nfrom compliance.store import open_store, CsvFolderStore\n"
              "s = open_store(sys.argv[1])\n"
              "s.apply(lambda cur: {'observations.csv': cur.table('observations.csv').iloc[:-1],\n"
              "                     'assessments.csv': cur.table('assessments.csv').iloc[:0]}, editor='k', summary='k')\n")
    proc = subprocess.run([sys.executable, "-c", change, pg_url], cwd=ROOT, capture_output=True, timeout=120,
                          env={**os.environ, CRASH_ENV: point})
    assert proc.returncode == 137, proc.stderr.decode()[-2000:]
    assert store.version() == v0 and store.read_contents() == before
    store.load()  # still valid
    observe(store, "after the crash")  # and writable


def test_copy_csv_to_postgresql_and_back_round_trips_and_summaries_agree(pg_url, tmp_path, capsys):
    assert main(["store", "copy", "--from", str(ROOT / "data"), "--to", pg_url]) == 0
    back = tmp_path / "back"
    assert main(["store", "copy", "--from", pg_url, "--to", str(back)]) == 0
    for name, content in CsvFolderStore(ROOT / "data").read_contents().items():
        assert (back / name).read_bytes() == content, name
    capsys.readouterr()
    summaries = []
    for where in (str(ROOT / "data"), pg_url):
        assert main(["summary", "--store", where, "--as-of", "2026-01-01", "--json"]) == 0
        summaries.append(json.loads(capsys.readouterr().out))
    assert summaries[0] == summaries[1]
    assert main(["store", "history", "--store", pg_url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["summary"].startswith("copy of the dataset from")


def test_an_unreachable_database_is_one_line(capsys):
    code = main(["validate", "--store", "postgresql://nobody:secret@127.0.0.1:1/none"])
    err = capsys.readouterr().err
    assert code == 2 and "cannot reach postgresql://nobody:***@127.0.0.1:1/none" in err and "secret" not in err


class Instance:
    """One dashboard server process (tests/apptest_worker.py) on the given store."""

    def __init__(self, store_url: str, **env):
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "tests" / "apptest_worker.py")], cwd=ROOT,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                     env={**os.environ, "COMPLIANCE_STORE": store_url, **env})

    def __call__(self, code: str):
        self.proc.stdin.write(code.replace("\n", "; ") + "\n")
        self.proc.stdin.flush()
        out = json.loads(self.proc.stdout.readline())
        assert out["ok"], out.get("error")
        return out["result"]

    def close(self):
        self.proc.stdin.close()
        self.proc.wait(timeout=60)


ITEMISED = "at.run(); result = next(m.value for m in at.metric if m.label == 'Itemised recommendations (filtered)')"


def test_an_edit_through_one_app_server_shows_on_the_other_on_its_next_run(pg_url, tmp_path):
    open_store(pg_url).replace_all(CsvFolderStore(ROOT / "data").read_contents(), editor="seed", summary="seed")
    export = tmp_path / "one.csv"
    export.write_text("To,To-Rgrp,To-Org,Text,From,From-Rgrp,From-Org,Response,Action,Issue,Session\n"
                      "Belarus,EEG,CIS,Two servers test ask,Norway,WEOG,,Accepted,4,Justice,50\n")
    reader, editor = Instance(pg_url), Instance(pg_url, COMPLIANCE_EDITOR_PASSPHRASE="pw")
    try:
        before = int(reader(ITEMISED))
        editor("at.run(); at.switch_page(str(ROOT / 'pages/data.py')).run()")
        editor("at.text_input(key='editor_name_input').input('Ana'); at.text_input(key='editor_pass_input').input('pw'); "
               "at.button[0].click().run()")
        editor(f"at.file_uploader(key='imp_file').set_value(('one.csv', open({str(export)!r}, 'rb').read(), 'text/csv')).run()")
        saved = editor("next(b for b in at.button if b.label == 'Apply import').click().run(); "
                       "result = [s.value for s in at.success]")
        assert any("Imported" in s for s in saved), saved
        assert int(reader(ITEMISED)) == before + 1
    finally:
        reader.close()
        editor.close()


def test_an_empty_store_is_a_list_of_problems_not_a_traceback(store_url, capsys):
    with pytest.raises(DataValidationError) as exc:
        open_store(store_url).load()
    assert any("dataset.csv" in str(p) for p in exc.value.problems)
    assert main(["validate", "--store", store_url]) == 1
    assert "Traceback" not in capsys.readouterr().err
