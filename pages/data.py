"""Data (editors): import an export, upload observations/assessments, record one observation. Read-only unless
an editor passphrase is configured outside the repository and entered."""

import hashlib
import io
import os
import uuid

import pandas as pd
import streamlit as st

from ui.shared import ensure_routed

ensure_routed()

from filelock import Timeout as LockTimeout  # noqa: E402

from compliance import importer  # noqa: E402
from compliance.data import DataValidationError  # noqa: E402
from compliance.importer import MAP_FIELDS, REQUIRED_MAP_FIELDS, AssessmentOptions, ImportFormatError  # noqa: E402
from compliance.models import MET_VALUES, READ_VERDICT_LABELS, READ_VERDICTS, STATUSES  # noqa: E402
from compliance.reading import ReadingRefused, record_reading, review_rows  # noqa: E402
from compliance.store import MAX_UPLOAD_BYTES, StoreError, add_observation, apply_upload, merge_upload  # noqa: E402
from ui.auth import Throttle, passphrase_matches  # noqa: E402
from ui.shared import current_store, get_dataset, require_dataset, show_table, source_table  # noqa: E402

PASSPHRASE_ENV = "COMPLIANCE_EDITOR_PASSPHRASE"

ds = require_dataset()
store = current_store()
st.title("Data")
st.caption(f"{len(ds.frames)} files, {ds.row_count} rows. "
           "Every change is validated as a whole before it is written, the previous version is kept as a backup, "
           "and the change is recorded in audit.log.")


def configured_passphrase() -> str | None:
    if os.environ.get(PASSPHRASE_ENV):
        return os.environ[PASSPHRASE_ENV]
    try:
        return st.secrets.get("editor_passphrase")
    except Exception:  # no secrets file at all
        return None


def show_problems(error: DataValidationError) -> None:
    st.error(f"Not saved: {len(error.problems)} problem(s). Nothing was written.", icon=":material/error:")
    st.code("\n".join(str(p) for p in error.problems[:50]), language=None)


def write(action, success: str):
    """Run one write through the store's write path; every failure is a message, and nothing is half-written."""
    try:
        result = action()
    except DataValidationError as exc:
        show_problems(exc)
        return None
    except (StoreError, LockTimeout) as exc:
        st.error(f"Not saved: {exc}. Nothing was written; try again in a moment.", icon=":material/error:")
        return None
    st.success(success(result) if callable(success) else success)
    return result


@st.cache_resource
def login_throttle() -> Throttle:
    """One record of failed attempts per server process, shared by every browser session."""
    return Throttle()


_, load_error = get_dataset()
if load_error is not None:
    st.warning("The files on disk are currently invalid (see the message above); fix them before editing.")

secret = configured_passphrase()
if not secret:
    st.info("This dashboard is read-only. To enable editing on a server you control, set the environment variable "
            f"`{PASSPHRASE_ENV}` or `editor_passphrase` in `.streamlit/secrets.toml` (never commit it), restart, and "
            "enter the passphrase here. Researchers can also use the command line: `python -m compliance import …`.",
            icon=":material/lock:")
    st.stop()

if not st.session_state.get("editor_ok"):
    throttle = login_throttle()
    session_key = st.session_state.setdefault("_login_session", uuid.uuid4().hex)
    client = st.context.ip_address if isinstance(st.context.ip_address, str) else None
    # per browser session and per client address (an unknown address is not one shared key: that would let one
    # guesser lock every editor out)
    keys = [f"session:{session_key}"] + ([f"client:{client}"] if client else [])
    with st.form("login"):
        name = st.text_input("Your name (recorded in the audit log)", key="editor_name_input", max_chars=80)
        word = st.text_input("Editor passphrase", type="password", key="editor_pass_input", max_chars=200)
        submitted = st.form_submit_button("Unlock editing")
    if submitted:
        wait, locked = throttle.wait_s(keys)
        if wait > 0:
            st.error(("Too many wrong passphrases: editing is locked for this browser and address for "
                      f"{wait / 60:.0f} more minute(s)." if locked else
                      f"Please wait {wait:.0f} second(s) before trying again (each wrong passphrase doubles the wait)."),
                     icon=":material/timer:")
        elif name.strip() and passphrase_matches(word, secret):
            throttle.succeed(keys)
            st.session_state["editor_ok"] = True
            st.session_state["editor_name"] = name.strip()
            st.rerun()
        else:
            throttle.fail(keys, name=name.strip(), client=client or "unknown")
            wait, locked = throttle.wait_s(keys)
            st.error("Wrong passphrase, or no name given. " + (
                f"Too many wrong passphrases: editing is locked for this browser and address for {wait / 60:.0f} minute(s)."
                if locked else f"You can try again in {wait:.0f} second(s)."))
    st.stop()

editor = st.session_state["editor_name"]
st.success(f"Editing as **{editor}**.", icon=":material/edit:")
st.caption(f"Store: `{store.describe()}` · dataset about {ds.state_under_review}")
for note in store.notes:
    st.info(f"When the data was opened: {note}", icon=":material/build:")
tab_import, tab_upload, tab_obs, tab_read = st.tabs(["Import an export", "Upload observations or assessments",
                                                    "Record one observation", "Second reading"])


LIMIT_NOTE = (f"Up to {MAX_UPLOAD_BYTES // 2**20} MB per file; a larger file gets a message here. Bigger exports can be "
              "imported from the command line (python -m compliance import).")


def read_upload(upload) -> bytes | None:
    if upload is None:
        return None
    if upload.size > MAX_UPLOAD_BYTES:
        st.error(f"{upload.name} is {upload.size / 2**20:.1f} MB; the limit here is {MAX_UPLOAD_BYTES // 2**20} MB. Nothing "
                 "was read or written. Split the file, or import it from the command line "
                 f"(python -m compliance import {upload.name}).", icon=":material/error:")
        return None
    return upload.getvalue()


NO_COLUMN = "(none)"


def _digest(raw: bytes) -> str:
    return hashlib.sha1(raw).hexdigest()


def upload_columns(raw: bytes, name: str) -> list[str] | None:
    """The header of an uploaded CSV/XLSX (None for a Word document), read once per file."""
    cache = st.session_state.setdefault("imp_columns_cache", {})
    key = _digest(raw)
    if key not in cache:
        if importer.container(raw, name) == "docx":
            cache[key] = None
        else:
            cache[key] = [str(c) for c in importer.read_table(raw, name).columns]
    return cache[key]


def cached_plan(raw: bytes, **options):
    """The import plan of this upload with these options, made once: a widget click elsewhere on the page reuses
    it instead of re-reading the file (the store's version is part of the key, so a change saved meanwhile makes
    a new plan)."""
    key = (_digest(raw), ds.version, repr(sorted(options.items(), key=lambda kv: kv[0])))
    held = st.session_state.get("imp_plan_cache")
    if held is not None and held[0] == key:
        return held[1]
    plan = importer.plan_import(ds, raw, **options)
    st.session_state["imp_plan_cache"] = (key, plan)
    return plan


def mapping_widgets(columns: list[str], name: str) -> dict[str, str]:
    """One dropdown per field; pre-filled from a loaded mapping file or a guess from the header words."""
    st.info(f"The header of {name} is not one the importer knows. Say which column holds what (at least "
            f"{' and '.join(REQUIRED_MAP_FIELDS)}); the same mapping works on the command line with --map-file.",
            icon=":material/table_view:")
    saved = st.file_uploader("Load a saved mapping (TOML or JSON)", type=["toml", "json"], key="imp_map_file")
    preset = importer.suggest_mapping(columns)
    version = _digest(name.encode())[:6]
    if saved is not None:
        try:
            preset = importer.parse_map_file(saved.getvalue(), saved.name)
            version += _digest(saved.getvalue())[:6]  # new dropdowns, filled from the file
        except ImportFormatError as exc:
            st.error(str(exc))
    options = [NO_COLUMN, *columns]
    mapping = {}
    cols = st.columns(3)
    for i, (f, what) in enumerate(MAP_FIELDS.items()):
        want = preset.get(f)
        index = options.index(want) if want in options else 0
        label = f"{f}{' (required)' if f in REQUIRED_MAP_FIELDS else ''}"
        choice = cols[i % 3].selectbox(label, options, index=index, help=what, key=f"imp_map_{f}_{version}")
        if choice != NO_COLUMN:
            mapping[f] = choice
    if mapping:
        st.download_button("Save this mapping (TOML, for --map-file)", importer.map_file_text(mapping),
                           file_name=f"{name.rsplit('.', 1)[0]}.map.toml", mime="application/toml", key="imp_map_save")
    return mapping


with tab_import:
    st.markdown("An OHCHR matrix (\"Thematic list of recommendations\", DOCX), a UN Universal Human Rights Index "
                "export (XLSX), a UPR Info export (CSV), or any sheet with a column mapping. Preview first; "
                "nothing is written until you apply.")
    c1, c2, c3 = st.columns(3)
    fmt = c1.selectbox("Format", ["auto", "docx", "uhri", "uprinfo", "mapped"], key="imp_fmt")
    state = c2.text_input("State under review (ISO3)", value=ds.state_under_review, key="imp_state").strip().upper()
    cycle_choice = c3.selectbox("Cycle, where the file does not say", ["from the file", 1, 2, 3, 4], key="imp_cycle")
    upload = st.file_uploader("File", type=["csv", "xlsx", "txt", "tsv", "docx"], key="imp_file", help=LIMIT_NOTE)
    st.caption(LIMIT_NOTE)
    skip_invalid = st.checkbox("Import the valid rows only (skip rows with errors)", key="imp_skip")
    with st.expander("Import a filled-in assessment column as assessments"):
        assessor = st.text_input("Assessor (the organisation that wrote the assessments)", key="imp_assessor").strip()
        assessed_on = st.text_input("Date of the assessments (YYYY-MM-DD, YYYY-MM or YYYY)", key="imp_assessed_on").strip()
        source_id = st.selectbox("Source of the assessor's report (data/sources.csv)", ["", *ds.sources["source_id"]],
                                 key="imp_source")
    raw = read_upload(upload)
    plan = None
    if raw is not None:
        try:
            mapping, ready = None, True
            columns = upload_columns(raw, upload.name) if fmt in ("auto", "mapped") else None
            if columns is not None and (fmt == "mapped" or importer.detect_format(columns) is None):
                mapping = mapping_widgets(columns, upload.name)
                if not all(f in mapping for f in REQUIRED_MAP_FIELDS):
                    st.warning(f"Choose the columns for {' and '.join(REQUIRED_MAP_FIELDS)} to see the preview.")
                    ready = False
            assess = None
            if assessor or assessed_on or source_id:
                if not (assessor and assessed_on and source_id):
                    st.warning("To import assessments, give the assessor, the date and the source.")
                else:
                    assess = AssessmentOptions(assessor, assessed_on, source_id, recorded_by=editor)
            if ready:
                plan_options = dict(name=upload.name, fmt=fmt, state=state or None, skip_invalid=skip_invalid,
                                    mapping=mapping, cycle=None if cycle_choice == "from the file" else int(cycle_choice),
                                    assess=assess)
                plan = cached_plan(raw, **plan_options)
        except ImportFormatError as exc:
            st.error(str(exc))
        if plan is not None:
            r = plan.report
            responses = ", ".join(f"{k} {v}" for k, v in r.responses.items()) or "none"
            st.markdown(f"**{r.rows_read} rows read** ({r.format}); {r.rows_for_other_states} about other states (skipped); "
                        f"**{r.recommendations} recommendations** about {r.state}, {r.states} recommending states; "
                        f"cycle {', '.join(map(str, r.cycles)) or 'none'}; responses: {responses}.")
            if r.compared:
                st.markdown(f"Would add **{len(r.added_recommendations)}** recommendations and **{r.added_state_rows}** "
                            f"state rows; **{len(r.updated)}** rows updated; {r.unchanged} unchanged.")
            if r.errors:
                st.error(f"{len(r.errors)} problem(s) in {len(r.skipped_rows)} row(s)"
                         + ("; these rows will be left out." if skip_invalid else "; nothing will be imported unless you skip them."))
                show_table(pd.DataFrame(r.errors), width="stretch", key="imp_errors")
            if r.warnings:
                st.warning("\n".join(f"- {'row ' + str(w['row']) + ': ' if w.get('row') else ''}{w['message']}"
                                      for w in r.warnings[:20]))
            if r.unmapped:
                st.warning("Themes or issues with no mapping (add them to data/theme_map_*.csv): " + ", ".join(r.unmapped))
            if r.assessments:
                a = r.assessments
                st.markdown(f"Assessments: **{a['mapped']}** mapped ({', '.join(f'{k} {v}' for k, v in a['statuses'].items()) or 'none'}), "
                            f"would add **{a['added']}**, change **{a['changed']}**; **{len(a['unmapped'])}** not mapped.")
                if a["unmapped"]:
                    show_table(pd.DataFrame(a["unmapped"]), width="stretch", key="imp_assess_unmapped")
            if r.updated:
                show_table(pd.DataFrame(r.updated), width="stretch", key="imp_updated")
            new = plan.recommendations[plan.recommendations["recommendation_id"].isin(r.added_recommendations)]
            if len(new):
                show_table(new[["recommendation_id", "cycle", "paragraph", "summary", "response", "themes"]].head(200),
                           width="stretch", key="imp_preview")
            refusal = plan.refusal()
            foreign = refusal is not None and not r.errors
            if foreign:
                st.error(refusal, icon=":material/block:")
            can_apply = plan.changed and refusal is None
            if st.button("Apply import", type="primary", disabled=not can_apply, key="imp_apply"):
                applied = write(
                    lambda: importer.apply_import(store, raw, editor=editor,
                                                  summary=f"import {upload.name} ({r.format}) from the Data page", **plan_options),
                    lambda res: (f"Imported: {len(res[0].report.added_recommendations)} recommendations added, "
                                 f"{len(res[0].report.updated)} rows updated. The dashboard now shows the new data."
                                 if res[1].changed else "Nothing to change: the data already holds this file (saved meanwhile?)."))
                if applied is not None:
                    st.session_state.pop("imp_plan_cache", None)
            elif not plan.changed and not r.errors and refusal is None:
                st.info("Nothing to change: everything in this file is already in the data.")

with tab_upload:
    st.markdown("A CSV with exactly the columns of `observations.csv` or `assessments.csv` (see data/README.md). "
                "Rows with a new id are added; rows with an existing id replace it.")
    kind = st.selectbox("Table", ["observations.csv", "assessments.csv"], key="up_kind")
    upload = st.file_uploader("CSV file", type=["csv"], key="up_file", help=LIMIT_NOTE)
    st.caption(LIMIT_NOTE)
    raw = read_upload(upload)
    if raw is not None:
        try:
            table = pd.read_csv(io.BytesIO(raw), dtype=str, keep_default_na=False, encoding="utf-8-sig")
            _, counts = merge_upload(ds, kind, table)
            st.markdown(f"**{counts['added']} new**, **{counts['changed']} changed**, {counts['unchanged']} unchanged rows.")
            show_table(table.head(200), width="stretch", key="up_preview")
            if st.button("Validate and apply", type="primary", key="up_apply", disabled=not (counts["added"] or counts["changed"])):
                write(lambda: apply_upload(store, kind, table, editor=editor, summary=f"upload {upload.name} into {kind}"),
                      lambda res: f"Saved {kind}: {res[0]['added']} added, {res[0]['changed']} changed.")
        except DataValidationError as exc:
            show_problems(exc)
        except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
            st.error(f"{upload.name} cannot be read as a UTF-8 CSV: {exc}")

with tab_obs:
    items = list(ds.items["item_id"])
    item = st.selectbox("Item (recommendation or demand)", items, key="obs_item",
                        on_change=lambda: st.session_state.pop("obs_criterion", None))  # offer the new item's criteria first
    with st.form("obs_form", clear_on_submit=False):
        linked = list(ds.item_criteria.loc[ds.item_criteria["item_id"] == item, "criterion_id"])
        others = [c for c in ds.criteria["criterion_id"] if c not in linked]
        criterion = st.selectbox("Criterion (this item's first)", linked + others, key="obs_criterion")
        when = st.text_input("Date the evidence refers to (YYYY-MM-DD, YYYY-MM or YYYY)", key="obs_date")
        met = st.selectbox("Met?", list(MET_VALUES), index=len(MET_VALUES) - 1, key="obs_met")
        sources = st.multiselect("Sources", list(ds.sources["source_id"]), key="obs_sources")
        locator = st.text_input("Where in the source (paragraph, page, section or heading)", key="obs_locator")
        note = st.text_area("What the source says, in your own words", key="obs_note")
        submitted = st.form_submit_button("Save observation", type="primary")
    if submitted:
        write(lambda: add_observation(store, criterion_id=criterion, observed_date=when.strip(), met=met,
                                      source_ids=";".join(sources), note=note.strip() or None, editor=editor,
                                      locator=locator.strip() or None),
              lambda res: f"Saved as {res[0]}. It counts once someone else has read it against its source "
                          "(tab 'Second reading').")
    st.caption(f"Statuses: {', '.join(STATUSES)}. A criterion must already exist (criteria.csv) and be linked to "
               "the item (item_criteria.csv) for the observation to count for it.")

with tab_read:
    st.markdown("Facts count only once someone who did not write them has read them against their sources. Below: "
                "the rows not yet read, and those a reader set aside (rejected, or source unreachable) so that they "
                "can be mended.")
    waiting = review_rows(ds, "open")
    if not len(waiting):
        st.success("Every fact has been read by a second person and counts.")
    else:
        shown = waiting.assign(state=waiting["read_verdict"].map(READ_VERDICT_LABELS).fillna(READ_VERDICT_LABELS[None]))
        show_table(shown[["table", "row_id", "state", "recorded_by", "what", "source_ids"]], width="stretch",
                   key="read_list")
        labels = [f"{r.table} {r.row_id}" for r in waiting.itertuples()]
        chosen = st.selectbox("Read one row", labels, index=None, placeholder="Pick a row", key="read_pick")
        if chosen:
            r = waiting.iloc[labels.index(chosen)]
            st.markdown(f"**{r['row_id']}** ({r['table']}), written by {r['recorded_by']}: {r['what']}")
            st.markdown("**Its sources** (open each and find the fact):")
            show_table(source_table(ds, r["source_ids"].split(";")), width="stretch", key="read_sources",
                       column_config={"url": st.column_config.LinkColumn("address")})
            if str(r["recorded_by"]).strip().casefold() == editor.casefold():
                st.info("You wrote this row: a second reading must be made by someone else.", icon=":material/person:")
            else:
                with st.form("read_form"):
                    verdict = st.radio("Verdict", READ_VERDICTS, format_func=READ_VERDICT_LABELS.get, key="read_verdict",
                                       horizontal=True)
                    loc = st.text_input("Where in the source the fact is said", value=r["locator"] or "", key="read_locator")
                    why = st.text_area("What you read, and why this verdict (required to reject or for an unreachable "
                                       "source)", key="read_note")
                    done = st.form_submit_button("Record my reading", type="primary")
                if done:
                    def record():
                        try:
                            return record_reading(store, table=r["table"], row_id=r["row_id"], verdict=verdict,
                                                  reader=editor, note=why, locator=loc)
                        except ReadingRefused as exc:
                            st.error(f"Not recorded: {exc}")
                            return None
                    write(record, f"Recorded: {r['row_id']} {verdict} by {editor}.")
