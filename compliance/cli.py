"""Command line for researchers and CI: validate the data, print summaries.

    python -m compliance validate [--data DIR]
    python -m compliance summary [--data DIR] [--cycle N] [--theme SLUG] [--state ISO3] [--as-of DATE] [--json]
    python -m compliance import FILE [--format auto|docx|uhri|uprinfo|mapped] [--state ISO3] [--cycle N]
        [--map FIELD=COLUMN,... | --map-file FILE] [--assessor NAME --assessed-on DATE --source SOURCE_ID]
        [--data DIR] [--dry-run] [--skip-invalid] [--json]
    python -m compliance progress [--every month|quarter|year] [--from DATE] [--to DATE] [--cycle N] [--theme SLUG]
        [--state ISO3] [--kind recommendation|demand] [--json]
    python -m compliance brief [--state ISO3] [--cycle N] [--theme SLUG] [--as-of DATE] --out FILE.pdf
    python -m compliance store copy --from FOLDER|URL --to FOLDER|URL
    python -m compliance store history|restore COMMIT_ID [--store FOLDER|URL]
    python -m compliance review [--all | --unread] [--json]
    python -m compliance review record TABLE ROW_ID --verdict VERDICT --reader NAME [--note TEXT] [--locator TEXT]

Every command takes --store (alias --data): a data folder or a postgresql:// address ($COMPLIANCE_STORE).

Bad arguments get one line on stderr and exit code 2; invalid data gets the full problem list and exit 1.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from datetime import date

from filelock import Timeout as LockTimeout

from . import metrics, money
from .data import DataValidationError, valid_iso3
from .models import CYCLES_TEXT, FIRST_SESSION, READ_VERDICTS, STATUSES
from .scoring import scored_items
from .store import STORE_ENV, StoreError, open_store
from .timeline import cutoff


class UsageError(Exception):
    """A bad command-line argument; printed as one line."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, no usage dump
        raise UsageError(message)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid date {value!r}: expected YYYY-MM-DD") from None


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m compliance", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    v = sub.add_parser("validate", help="check every row of every data file")
    _store_argument(v)
    s = sub.add_parser("summary", help="status counts and published tallies for a selection")
    _store_argument(s)
    s.add_argument("--cycle", type=int, help="a UPR cycle of the dataset (demands have no cycle and are left out)")
    s.add_argument("--theme", help="theme slug, e.g. death-penalty")
    s.add_argument("--state", help="recommending (or addressed) state, ISO 3166 alpha-3, e.g. NOR")
    s.add_argument("--as-of", type=_date, dest="as_of", help="status as of this date (YYYY-MM-DD; default today)")
    s.add_argument("--json", action="store_true", help="print one JSON object")
    i = sub.add_parser("import", help="merge an OHCHR matrix (DOCX), a UHRI or UPR Info export, or any mapped sheet into the dataset")
    i.add_argument("file", help="the file (DOCX, XLSX or CSV)")
    i.add_argument("--format", choices=("auto", "docx", "uprinfo", "uhri", "mapped"), default="auto",
                   help="default auto: tells a matrix, a UHRI and a UPR Info export apart, and says when it cannot")
    i.add_argument("--state", help="state under review, ISO3 (default: the dataset's, data/dataset.csv); a file about "
                   "another state can be checked with --dry-run, never applied")
    i.add_argument("--cycle", type=int, help=f"UPR cycle ({CYCLES_TEXT}) of rows whose file does not say it")
    i.add_argument("--map", dest="mapping", metavar="FIELD=COLUMN[,FIELD=COLUMN...]",
                   help="which column holds what, for a file whose header is not known (fields: text, paragraph, "
                   "recommending_states, response, session, cycle, themes, state_under_review, assessment)")
    i.add_argument("--map-file", dest="map_file", metavar="FILE", help="the same mapping kept in a TOML or JSON file")
    i.add_argument("--assessor", help="import the file's assessment column as assessments by this assessor")
    i.add_argument("--assessed-on", dest="assessed_on", help="date of those assessments (YYYY-MM-DD, YYYY-MM or YYYY)")
    i.add_argument("--source", dest="source_id", metavar="SOURCE_ID", help="source id (data/sources.csv) of the assessor's report")
    _store_argument(i)
    i.add_argument("--dry-run", action="store_true", dest="dry_run", help="report what would change; write nothing")
    i.add_argument("--skip-invalid", action="store_true", dest="skip_invalid", help="import the valid rows of a file with errors")
    i.add_argument("--editor", default=os.environ.get("USER", "cli"), help="name recorded in the audit log")
    i.add_argument("--json", action="store_true", help="print the report as one JSON object")
    pr = sub.add_parser("progress", help="status counts over time, for scripts and researchers")
    _store_argument(pr)
    pr.add_argument("--every", choices=("month", "quarter", "year"), default="year", help="one count per period end")
    pr.add_argument("--from", type=_date, dest="start", help="first date (default: the first review)")
    pr.add_argument("--to", type=_date, dest="end", help="last date (default: today)")
    pr.add_argument("--cycle", type=int, help="UPR cycle")
    pr.add_argument("--theme", help="theme slug, e.g. death-penalty")
    pr.add_argument("--state", help="recommending (or addressed) state, ISO 3166 alpha-3")
    pr.add_argument("--kind", choices=("recommendation", "demand"), help="recommendations or demands only")
    pr.add_argument("--json", action="store_true", help="one JSON array of {date, implemented, partial, unfulfilled, not_assessed}")
    b = sub.add_parser("brief", help="a one-page PDF brief of a view (a state's page, or the Overview with filters)")
    _store_argument(b)
    b.add_argument("--state", help="a state's page (ISO3, e.g. NOR); with --cycle or --theme, a filter of the Overview")
    b.add_argument("--cycle", type=int, help="UPR cycle")
    b.add_argument("--theme", help="theme slug, e.g. death-penalty")
    b.add_argument("--as-of", type=_date, dest="as_of", help="status as of this date (YYYY-MM-DD; default today)")
    b.add_argument("--base-url", dest="base_url", default=os.environ.get("COMPLIANCE_PUBLIC_URL", "http://localhost:8501"),
                   help="address of the dashboard, for the link that reopens the view (default $COMPLIANCE_PUBLIC_URL "
                        "or http://localhost:8501)")
    b.add_argument("--out", required=True, metavar="FILE.pdf", help="where to write the PDF")
    rv = sub.add_parser("review", help="the second reading: list the facts no second person has read (or that were set "
                        "aside), or record a reading")
    _store_argument(rv)
    rv_which = rv.add_mutually_exclusive_group()
    rv_which.add_argument("--unread", action="store_const", const="unread", dest="which",
                          help="only rows nobody has read yet")
    rv_which.add_argument("--all", action="store_const", const="all", dest="which", help="every row, with its reading")
    rv.add_argument("--json", action="store_true", help="one JSON array")
    rv_sub = rv.add_subparsers(dest="review_command", parser_class=_Parser)
    rec = rv_sub.add_parser("record", help="record your reading of one row (you cannot read a row you wrote)")
    _store_argument(rec)
    rec.add_argument("table", help="observations.csv, assessments.csv, pledges.csv, icc_events.csv, demands.csv or "
                     "evidence_searches.csv")
    rec.add_argument("row_id", help="the row's id, e.g. O117")
    rec.add_argument("--verdict", required=True, choices=READ_VERDICTS)
    rec.add_argument("--reader", required=True, help="your name (recorded as read_by and in the audit log)")
    rec.add_argument("--note", help="what you read and why the verdict (required for rejected and unreachable)")
    rec.add_argument("--locator", help="where in the source the fact is said, if the row does not say it yet")
    st = sub.add_parser("store", help="copy the dataset between stores; list or restore its history")
    st_sub = st.add_subparsers(dest="store_command", required=True, parser_class=_Parser)
    c = st_sub.add_parser("copy", help="copy a whole validated dataset from one store to another (one change set)")
    c.add_argument("--from", dest="source", required=True, metavar="FOLDER|URL", help="where to read")
    c.add_argument("--to", dest="target", required=True, metavar="FOLDER|URL",
                   help="where to write (a new folder is created; a database gets its tables)")
    c.add_argument("--editor", default=os.environ.get("USER", "cli"), help="name recorded in the audit log")
    h = st_sub.add_parser("history", help="the change sets of a store, newest first")
    _store_argument(h)
    h.add_argument("--limit", type=int, default=20)
    h.add_argument("--json", action="store_true")
    r = st_sub.add_parser("restore", help="make the data as it was right after a change set (itself a new change set)")
    _store_argument(r)
    r.add_argument("commit_id", help="a commit id from `store history`")
    r.add_argument("--editor", default=os.environ.get("USER", "cli"), help="name recorded in the audit log")
    return parser


def _store_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--store", "--data", dest="store", metavar="FOLDER|URL",
                        help=f"the data: a folder of CSV files or a postgresql:// address (default: ${STORE_ENV}, "
                             "$COMPLIANCE_DATA_DIR or the bundled data/)")


def open_args_store(args):
    """The store named on the command line; opening it finishes any interrupted write before anything is read."""
    try:
        store = open_store(args.store)
    except StoreError as exc:
        raise UsageError(f"argument --store: {exc}") from None
    return store


def load_args_dataset(args, store=None):
    store = store or open_args_store(args)
    ds = store.load()
    for note in store.notes:
        print(f"note: {note}", file=sys.stderr)
    return ds


def cmd_validate(args) -> int:
    from .reading import review_rows

    ds = load_args_dataset(args)
    for w in ds.warnings:
        print(f"warning: {w}", file=sys.stderr)
    unread = review_rows(ds, "unread")
    if len(unread):  # the dashboard leaves them out until read; publishing them unread is refused
        for r in unread.itertuples():
            row = int(ds.table(r.table).index[ds.table(r.table).iloc[:, 0] == r.row_id][0]) + 1
            print(f"- data/{r.table}, row {row}, field \"read_verdict\": {r.row_id} (recorded by {r.recorded_by}) has not "
                  "been read by a second person; someone who did not write it reads it against its source "
                  f"(python -m compliance review record {r.table} {r.row_id} --verdict … --reader NAME)", file=sys.stderr)
        print(f"{len(unread)} row(s) not yet read by a second person (they do not count until read)", file=sys.stderr)
        return 1
    print(f"ok: {len(ds.frames)} tables, {ds.row_count} rows valid in {ds.store.describe()}")
    return 0


def cmd_review(args) -> int:
    from .reading import ReadingRefused, record_reading, review_rows

    store = open_args_store(args)
    if args.review_command == "record":
        try:
            result = record_reading(store, table=args.table, row_id=args.row_id, verdict=args.verdict, reader=args.reader,
                                    note=args.note, locator=args.locator)
        except ReadingRefused as exc:
            raise UsageError(str(exc)) from None
        print(f"recorded: {args.row_id} ({args.table}) {args.verdict} by {args.reader}"
              + (f" (change set {result.commit_id})" if result.changed else " (already recorded)"))
        return 0
    ds = load_args_dataset(args, store)
    rows = review_rows(ds, args.which or "open")
    if args.json:
        print(rows.astype(object).where(rows.notna(), None).to_json(orient="records", force_ascii=False, indent=2))
        return 0
    if not len(rows):
        print("every fact has been read by a second person and counts")
        return 0
    for r in rows.itertuples():
        state = r.read_verdict if isinstance(r.read_verdict, str) else "not read yet"
        why = f" — {r.read_note}" if isinstance(r.read_note, str) and r.read_verdict in ("rejected", "unreachable") else ""
        print(f"{r.table} {r.row_id} [{state}] written by {r.recorded_by}; sources {r.source_ids}: {r.what[:140]}{why}")
    print(f"{len(rows)} row(s)")
    return 0


def build_summary(ds, cycle=None, theme=None, state=None, as_of=None) -> dict:
    """The summary object printed by `summary --json` (also used by tests)."""
    as_of_ts = cutoff(as_of)
    scored = scored_items(ds, as_of_ts)
    selected = metrics.filter_items(scored, cycle=cycle, theme=theme, state=state)
    counts = metrics.status_counts(selected)
    return {
        "as_of": as_of_ts.date().isoformat(),
        "filters": {"cycle": cycle, "theme": theme, "state": state},
        "items": int(len(selected)),
        "recommendations": int((selected["kind"] == "recommendation").sum()),
        "demands": int((selected["kind"] == "demand").sum()),
        "status_counts": counts,
        **metrics.rates(counts),
        "published_tallies": [
            {k: t[k] for k in ("tally_id", "cycle", "assessor", "scope", "source_id", "published_date", *metrics.TALLY_FIELDS)}
            for t in metrics.published_tallies(ds, cycle, as_of=as_of_ts)
        ]
        if theme is None and state is None
        else [],
        "pledges": money.pledge_summary(ds, as_of_ts),
    }


def _check_selection(args, ds) -> str | None:
    """Validate --cycle, --theme and --state against the data; return the state code, upper-cased."""
    if args.cycle is not None and args.cycle not in set(ds.cycles["cycle"].astype(int)):
        known = ", ".join(map(str, sorted(ds.cycles["cycle"].astype(int))))
        raise UsageError(f"argument --cycle: no cycle {args.cycle}; the cycles are {known}")
    if args.theme is not None and args.theme not in set(ds.themes["theme_slug"]):
        raise UsageError(f"argument --theme: unknown theme {args.theme!r}; run with a slug from data/themes.csv, e.g. death-penalty")
    state = args.state.upper() if args.state else None
    if state is not None and state not in valid_iso3():
        raise UsageError(f"argument --state: {args.state!r} is not an ISO 3166 alpha-3 code (e.g. NOR, LTU)")
    return state


def cmd_progress(args) -> int:
    ds = load_args_dataset(args)
    state = _check_selection(args, ds)
    end = cutoff(args.end)
    start = cutoff(args.start) if args.start else ds.cycles["review_date_start"].min()
    if start > end:
        raise UsageError(f"argument --from: {start.date()} is after --to {end.date()}")
    filters = {k: v for k, v in (("cycle", args.cycle), ("theme", args.theme), ("state", state), ("kind", args.kind)) if v}
    series = metrics.status_over_time(ds, metrics.period_dates(start, end, args.every), **filters)
    rows = [{"date": d.date().isoformat(), **{s: int(r[s]) for s in STATUSES}}
            for d, (_, r) in zip(series["date"], series.iterrows())]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"{'date':<12}" + "".join(f"{s:>14}" for s in STATUSES))
    for r in rows:
        print(f"{r['date']:<12}" + "".join(f"{r[s]:>14}" for s in STATUSES))
    return 0


def cmd_brief(args) -> int:
    from pathlib import Path

    from .brief import make_brief
    from .export import ExportUnavailable

    ds = load_args_dataset(args)
    state = _check_selection(args, ds)
    out = Path(args.out)
    if not out.parent.is_dir():
        raise UsageError(f"argument --out: the folder {str(out.parent)!r} does not exist")
    try:
        pdf = make_brief(ds, state=state, cycle=args.cycle, theme=args.theme, as_of=args.as_of, base_url=args.base_url)
    except ExportUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    out.write_bytes(pdf)
    print(f"wrote {out} ({len(pdf) / 1024:.0f} KiB)")
    return 0


def cmd_summary(args) -> int:
    ds = load_args_dataset(args)
    state = _check_selection(args, ds)
    summary = build_summary(ds, args.cycle, args.theme, state, args.as_of)
    if args.json:
        print(json.dumps(summary, indent=2, ensure_ascii=False))
        return 0
    f = summary["filters"]
    chosen = ", ".join(f"{k} {v}" for k, v in f.items() if v is not None) or "no filters"
    print(f"Items as of {summary['as_of']} ({chosen}): {summary['items']} "
          f"({summary['recommendations']} recommendations, {summary['demands']} demands)")
    for s in STATUSES:
        print(f"  {s:<13} {summary['status_counts'][s]:>5}")
    rate = summary["implementation_rate"]
    print(f"  implementation rate: {'n/a (nothing assessed)' if rate is None else f'{rate:.1%}'} of {summary['assessed']} assessed")
    if summary["published_tallies"]:
        print("Published tallies:")
        for t in summary["published_tallies"]:
            figs = " / ".join("?" if t[k] is None else str(t[k]) for k in metrics.TALLY_FIELDS)
            print(f"  cycle {t['cycle']} [{t['scope']}] total/impl/partial/unfulfilled/not assessed = {figs}"
                  f"  ({t['assessor']}; {t['source_id']})")
    return 0


def _import_options(args, ds):
    """The mapping, cycle and assessment options of `import`, checked (UsageError names the flag)."""
    from .importer import AssessmentOptions, load_map_file, parse_map

    mapping = None
    if args.mapping and args.map_file:
        raise UsageError("argument --map: give either --map or --map-file, not both")
    if args.mapping:
        mapping = parse_map(args.mapping)
    elif args.map_file:
        mapping = load_map_file(args.map_file)
    if args.cycle is not None and args.cycle not in FIRST_SESSION:
        raise UsageError(f"argument --cycle: {args.cycle} is not a UPR cycle ({CYCLES_TEXT})")
    given = [f for f, v in (("--assessor", args.assessor), ("--assessed-on", args.assessed_on), ("--source", args.source_id)) if v]
    assess = None
    if given:
        missing = [f for f in ("--assessor", "--assessed-on", "--source") if f not in given]
        if missing:
            raise UsageError(f"argument {given[0]}: importing assessments needs --assessor NAME --assessed-on DATE "
                             f"--source SOURCE_ID; missing {' '.join(missing)}")
        assess = AssessmentOptions(args.assessor.strip(), args.assessed_on.strip(), args.source_id.strip(),
                                   recorded_by=args.editor)
    return mapping, assess


def _print_report(report, path, dry_run: bool) -> None:
    other = ""
    if report.rows_for_other_states:
        about = ", ".join(f"{k} {v}" for k, v in list(report.other_states.items())[:6])
        other = f" ({report.rows_for_other_states} about other states, skipped: {about})"
    cycles = ", ".join(map(str, report.cycles)) or "none"
    sessions = f", session {', '.join(map(str, report.sessions))}" if report.sessions else ""
    print(f"{path.name}: {report.format}, {report.rows_read} rows read{other}; about {report.state}: "
          f"{report.recommendations} recommendations from {report.states} recommending states (cycle {cycles}{sessions})")
    if report.responses:
        print("  responses: " + ", ".join(f"{k} {v}" for k, v in report.responses.items()))
    for e in report.errors[:50]:
        where = f"row {e['row']}" if e["row"] is not None else "file"
        field = f", field \"{e['field']}\"" if e.get("field") else ""
        print(f"  error: {path.name}, {where}{field}: {e['message']}")
    if len(report.errors) > 50:
        print(f"  … and {len(report.errors) - 50} more errors (use --json for all)")
    for w in report.warnings[:30]:
        where = f"row {w['row']}" if w.get("row") is not None else "file"
        field = f", field \"{w['field']}\"" if w.get("field") else ""
        print(f"  warning: {path.name}, {where}{field}: {w['message']}")
    if len(report.warnings) > 30:
        print(f"  … and {len(report.warnings) - 30} more warnings (use --json for all)")
    if report.unmapped:
        print(f"  themes with no mapping (add them to data/theme_map_*.csv): {', '.join(report.unmapped)}")
    a = report.assessments
    if a:
        statuses = ", ".join(f"{k} {v}" for k, v in a.get("statuses", {}).items()) or "none"
        print(f"  assessments: {a['mapped']} mapped ({statuses}); {len(a['unmapped'])} not mapped"
              + (f"; would add {a['added']}, change {a['changed']}" if dry_run else f"; added {a['added']}, changed {a['changed']}"))
        for u in a["unmapped"][:50]:
            para = f" (paragraph {u['paragraph']})" if u.get("paragraph") else ""
            print(f"    not mapped: {path.name}, row {u['row']}{para}: {u['message']}")


def cmd_import(args) -> int:
    from pathlib import Path

    from .importer import ImportFormatError, ImportRefused, apply_import, plan_import
    from .store import MAX_UPLOAD_BYTES

    path = Path(args.file)
    if path.is_dir():
        raise UsageError(f"argument file: {args.file!r} is a folder; give the export file itself")
    if not path.is_file():
        raise UsageError(f"argument file: {args.file!r} does not exist or is not a file")
    if path.stat().st_size > MAX_UPLOAD_BYTES * 10:
        raise UsageError(f"argument file: {args.file!r} is larger than {MAX_UPLOAD_BYTES * 10 // 2**20} MiB")
    store = open_args_store(args)
    ds = load_args_dataset(args, store)
    state = (args.state or ds.state_under_review).upper()
    if state not in valid_iso3():
        raise UsageError(f"argument --state: {args.state!r} is not an ISO 3166 alpha-3 code")
    raw = path.read_bytes()
    started = time.perf_counter()
    try:
        mapping, assess = _import_options(args, ds)
        options = dict(name=path.name, fmt=args.format, state=state, skip_invalid=args.skip_invalid, mapping=mapping,
                       cycle=args.cycle, assess=assess)
        plan = plan_import(ds, raw, **options)  # on the data as read, for the report and to fail early
    except ImportFormatError as exc:
        if args.json:  # scripts get the same one message as JSON too
            print(json.dumps({"file": path.name, "rows_read": 0, "applied": False, "dry_run": args.dry_run,
                              "errors": [{"row": None, "field": None, "message": str(exc)}]}, ensure_ascii=False))
        raise UsageError(str(exc)) from None
    report = plan.report
    refusal = None if args.dry_run else plan.refusal()
    report.refused = refusal
    if refusal is None and not args.dry_run and plan.changed:
        try:  # planned again inside the writers' lock, from the data as it is then
            plan, _ = apply_import(store, raw, editor=args.editor, summary=f"import {path.name} ({report.format})", **options)
        except ImportRefused as exc:
            refusal = report.refused = str(exc)
        report = plan.report
    blocked = bool(report.errors) and not args.skip_invalid
    out = report.as_dict() | {"seconds": round(time.perf_counter() - started, 3), "dry_run": args.dry_run}
    if args.json:
        print(json.dumps(out, indent=2, ensure_ascii=False))
        return 1 if refusal or blocked else 0
    _print_report(report, path, args.dry_run)
    if args.dry_run and blocked:
        print("Dry run: the file has errors, so nothing would be imported. Fix them, or use --skip-invalid to import "
              f"the valid rows (rows left out: {', '.join(map(str, report.skipped_rows[:30]))}"
              f"{' …' if len(report.skipped_rows) > 30 else ''}).")
        return 1
    if refusal:
        print(f"Nothing imported: {refusal}")
        if report.skipped_rows and report.errors:
            print(f"  rows with errors: {', '.join(map(str, report.skipped_rows[:30]))}{' …' if len(report.skipped_rows) > 30 else ''}")
        return 1
    if not report.compared:
        print(f"Read and checked only: the file is about {report.file_state or report.state}, this dataset about "
              f"{report.dataset_state}; it was not compared with the data and can never be merged into it.")
        return 0
    verb = "would add" if args.dry_run else "added"
    print(f"{verb} {len(report.added_recommendations)} recommendations and {report.added_state_rows} recommending-state rows; "
          f"{len(report.updated)} rows updated; {report.unchanged} unchanged"
          + (f"; rows left out: {', '.join(map(str, report.skipped_rows))}" if report.skipped_rows else ""))
    for u in report.updated[:20]:
        changes = ", ".join(f"{k} {v['from']} -> {v['to']}" for k, v in u.items() if isinstance(v, dict))
        print(f"  updated {u['recommendation_id']} {u['state_iso3']}: {changes}")
    return 0


def cmd_store(args) -> int:
    from pathlib import Path

    from .store import is_database_url

    if args.store_command == "copy":
        try:
            source = open_store(args.source)
        except StoreError as exc:
            raise UsageError(f"argument --from: {exc}") from None
        ds = source.load()  # only a valid dataset is copied
        if not is_database_url(args.target):
            Path(args.target).mkdir(parents=True, exist_ok=True)
        try:
            target = open_store(args.target)
        except StoreError as exc:
            raise UsageError(f"argument --to: {exc}") from None
        result = target.replace_all(source.read_contents(), editor=args.editor,
                                    summary=f"copy of the dataset from {source.describe()}")
        print(f"copied {len(ds.frames)} tables, {ds.row_count} rows from {source.describe()} to {target.describe()}"
              + (f" (change set {result.commit_id}: {len(result.files)} tables changed)" if result.changed else " (already the same)"))
        return 0
    store = open_args_store(args)
    if args.store_command == "history":
        entries = store.history(args.limit)
        if args.json:
            print(json.dumps(entries, indent=2, ensure_ascii=False))
            return 0
        for e in entries:
            files = ", ".join(f"{n} +{f['rows_added']}/~{f['rows_changed']}/-{f['rows_removed']}" for n, f in e["files"].items())
            print(f"{e['commit_id']}  {e['when'][:19]}  {e['editor']}: {e['summary']}  [{files}]")
        if not entries:
            print(f"no change sets recorded in {store.describe()}")
        return 0
    result = store.restore(args.commit_id, editor=args.editor)
    print(f"restored the version of {args.commit_id}" + (f" as change set {result.commit_id} ({', '.join(result.files)})"
                                                          if result.changed else " (the data was already that version)"))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
        handler = {"validate": cmd_validate, "summary": cmd_summary, "import": cmd_import, "progress": cmd_progress,
                   "brief": cmd_brief, "store": cmd_store, "review": cmd_review}[args.command]
        return handler(args)
    except UsageError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except DataValidationError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    except (StoreError, LockTimeout) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
