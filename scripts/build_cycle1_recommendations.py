#!/usr/bin/env python3
"""Build data/recommendations.csv, data/recommendation_states.csv and data/recurrences.csv.

Cycle 1 (2010) is derived from two inputs:

* the text of the Working Group report A/HRC/15/16 (source S01): paragraphs 97.1-97.55 (supported at the
  Working Group) and 98.1-98.38 (examined later) are the 93 recommendations, each worded ask followed by the
  recommending state(s) in brackets;
* the UPR Info database export for session 8 (source UPRINFO-S8): 169 rows, one per state's worded ask, with
  the final Response (Accepted/Noted), the Action category (1-5) and Issue labels.

Each export row is placed in the paragraph whose bracketed segment names the same state and contains the same
wording (after normalising case, spacing and punctuation). Three rows whose wording differs from the report are
placed by hand (MANUAL_PLACEMENTS) and the script checks that every row is placed exactly once and that, per
paragraph, the states of the placed rows equal the states named in the report (98.3 excepted: UPR Info splits
Spain's single ask into the Convention and its Optional Protocol).

Themes are the union of the paragraph's Issue labels mapped through data/theme_map_uprinfo.csv, plus the few
themes added by hand in EXTRA_THEMES (each explained in the note). The response is "supported" if all rows are
Accepted, "noted" if all are Noted, otherwise "partially_supported".

Later-cycle recommendations (cycles 2-4) are the individual recommendations seen in sources (see
LATER_RECOMMENDATIONS); no paragraph numbers or (for cycles 2 and 4) responses have been found for them.

Summaries are our own short paraphrases. Output is deterministic.

The rows it builds are written through the store's write path (validated whole, audited): the recommendations
and recommending-state rows it owns (cycle 1 and LATER_RECOMMENDATIONS) are replaced, every other row (for example
one brought in by `python -m compliance import`) is kept.

Usage: python scripts/build_cycle1_recommendations.py [--report PATH] [--export PATH] [--store FOLDER|URL] [--editor NAME]
"""
from __future__ import annotations

import argparse
import csv
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

import pycountry

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
import pandas as pd  # noqa: E402

from compliance.importer import text_key  # noqa: E402  (the importer's fingerprint, so re-imports match)
from compliance.store import open_store  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_REPORT = Path("/work/shared/facts/A-HRC-15-16_belarus_2010_text.txt")
DEFAULT_EXPORT = ROOT / "tests" / "fixtures" / "uprinfo_export_belarus_session8.csv"
SHARED_EXPORT = Path("/work/shared/facts/uprinfo_export_belarus_session8.csv")

C1_SOURCES = "S01;UPRINFO-S8"
STATE_SOURCES = "UPRINFO-S8"

# UPR Info short names -> the names used in the report's brackets
REPORT_NAME = {
    "Libya": "Libyan Arab Jamahiriya",
    "Iran": "Islamic Republic of Iran",
    "DPR Korea": "Democratic People’s Republic of Korea",
    "Laos": "Lao People’s Democratic Republic",
    "Syria": "Syrian Arab Republic",
}

# UPR Info names that pycountry cannot look up unambiguously
ISO3_OVERRIDES = {
    "Palestine": "PSE",
    "DPR Korea": "PRK",
    "Laos": "LAO",
    "Iran": "IRN",
    "Syria": "SYR",
    "Libya": "LBY",
    "Russian Federation": "RUS",
    "Venezuela": "VEN",
    "Bolivia": "BOL",
    "Czech Republic": "CZE",
}

# (state as in the export, start of the export wording, paragraph): rows whose wording differs from the report
MANUAL_PLACEMENTS = [
    # export says "specifically simplify ... - remove ... - and abolish article 193-1"; report uses (i)-(iii)
    ("Belgium", "Take the necessary measures to ensure freedom of expression and association", "98.28"),
    # the report has one ask for the Convention "and its Optional Protocol"; UPR Info splits it in two rows
    ("Spain", "Sign and ratify the Optional Protocol to the Convention on the Rights of Persons with Disabilities", "98.3"),
    # export misspells "capital" as "capita"
    ("Switzerland", "Put an end to the practice of capita punishment", "98.16"),
]

SUMMARIES = {
    "97.1": "Consider joining the international convention protecting the rights of migrant workers and their families.",
    "97.2": "Consider acceding to the disability rights convention (CRPD).",
    "97.3": "Bring national legislation into line with international human rights standards.",
    "97.4": "Consider setting up a national human rights institution that meets the Paris Principles and can be accredited.",
    "97.5": "Build an institutional framework that improves the situation of women and their inclusion in social, economic and political life.",
    "97.6": "Strengthen cooperation between the government and civil society on human rights, including in education, health and gender equality.",
    "97.7": "Keep drafting and carrying out national action plans on children's rights.",
    "97.8": "Continue policies on infant mortality, maternal care, HIV/AIDS and environmental protection.",
    "97.9": "Maintain cooperation with the UN and other international organisations on human rights.",
    "97.10": "Continue international cooperation on human rights and work with international human rights institutions and mechanisms.",
    "97.11": "Keep cooperating with international human rights mechanisms, including the Council and treaty bodies, and report to them regularly.",
    "97.12": "Submit overdue periodic reports to the UN treaty bodies and avoid future delays.",
    "97.13": "Cooperate more with UN treaty bodies and special procedures, above all by implementing their recommendations and decisions.",
    "97.14": "Cooperate fully with UN special procedures and submit overdue treaty-body reports as a priority.",
    "97.15": "Abide by the ICCPR and the Convention against Torture, follow recommendations of intergovernmental mechanisms and work with special procedures.",
    "97.16": "Fix dates for the visits of the eight special procedure mandate holders the government has invited.",
    "97.17": "Engage with further mandate holders, notably the special rapporteurs on freedom of expression, human rights defenders and torture.",
    "97.18": "Reply to allegation letters sent by the special procedures.",
    "97.19": "Keep cooperating with OHCHR, in particular to implement accepted UPR recommendations.",
    "97.20": "Continue advancing women's rights and gender equality, including awareness campaigns and ending discrimination at work.",
    "97.21": "Keep up efforts against racial discrimination and intolerance.",
    "97.22": "Continue building trust between ethnic groups and preventing racial discrimination.",
    "97.23": "While the death penalty remains, observe minimum standards and restrict it to the most serious crimes.",
    "97.24": "Act to end domestic violence and protect its victims, possibly with technical assistance, also against child abuse.",
    "97.25": "Develop with OHCHR a training course for law-enforcement officers on the rights of trafficking victims.",
    "97.26": "Continue, evaluate and strengthen anti-trafficking programmes, including victim compensation and the international training centre, with international cooperation.",
    "97.27": "Combine national and international action against human trafficking, assist victims and share good practice with other states.",
    "97.28": "Guarantee fair trials and the absolute ban on torture, excluding evidence obtained through torture or ill-treatment.",
    "97.29": "Separate pre-trial detainees by gender and age.",
    "97.30": "Improve conditions in prisons and pre-trial detention and check them against international standards.",
    "97.31": "Guarantee all prisoners and detainees access to a lawyer and to their relatives.",
    "97.32": "Consider creating and strengthening a justice system for juveniles.",
    "97.33": "Keep lowering the number of children growing up without parental care.",
    "97.34": "Raise the standing of women in society, protect mothers and support families.",
    "97.35": "Continue meeting children's needs, including a family environment, and fulfil their other rights.",
    "97.36": "Continue efforts for the rights of women and children and for the family through national policies.",
    "97.37": "Continue hosting international conferences that foster dialogue among religions and beliefs.",
    "97.38": "Continue promoting interreligious dialogue and share experience with other countries.",
    "97.39": "Guarantee freedom of association and expression for everyone, including the press, defenders, parties, civic groups and trade unions.",
    "97.40": "Keep involving civil society in social policy and engaging with it on human rights.",
    "97.41": "Involve civil society, including independent NGOs, in an inclusive follow-up of the UPR recommendations.",
    "97.42": "Continue increasing the number of women in senior posts, including in parliament and government.",
    "97.43": "Ensure equal job opportunities, support capacity-building for women and improve their position in the labour market.",
    "97.44": "Protect the economic, social and cultural rights of vulnerable groups and make development and anti-poverty programmes reach them.",
    "97.45": "Keep supporting health programmes that lower mortality.",
    "97.46": "Keep cutting infant mortality as part of realising the right to health.",
    "97.47": "Realise economic and social rights despite the difficulties caused by the global financial crisis.",
    "97.48": "Keep advancing economic and social rights and raising living standards.",
    "97.49": "Continue efforts to ensure a decent standard of living and social security.",
    "97.50": "Expand human rights education and training and share experience with other countries.",
    "97.51": "Keep coordinating the media to raise human rights awareness and promote cultural and religious diversity for inter-ethnic stability.",
    "97.52": "Train police and security forces in human rights.",
    "97.53": "Share experience on the Millennium Development Goals and keep working towards them.",
    "97.54": "Continue reforms for human rights and the rule of law, and share practice on trafficking, women, children and the family.",
    "97.55": "Ask for the technical and financial assistance needed for human and social development projects.",
    "98.1": "Ratify the Second Optional Protocol to the ICCPR, which abolishes the death penalty.",
    "98.2": "Ratify the disability rights convention (CRPD).",
    "98.3": "Sign and ratify the disability rights convention (CRPD) and its Optional Protocol.",
    "98.4": "Sign, ratify and implement the Optional Protocol to the Convention against Torture.",
    "98.5": "Sign and ratify the Optional Protocol to the ICESCR.",
    "98.6": "Sign and ratify the Convention against Enforced Disappearance.",
    "98.7": "Review the legal framework so that freedom of speech is fully guaranteed.",
    "98.8": "Align legislation with international fair-trial standards, including presumption of innocence, defence, appeal and pardon, especially in capital cases.",
    "98.9": "Review, repeal or amend laws that curb expression, assembly and association, such as the Law on Public Events and Criminal Code art. 193-1.",
    "98.10": "Simplify and lighten the legal requirements for registering NGOs.",
    "98.11": "Amend the Law on Mass Events so that it meets ICCPR requirements.",
    "98.12": "Consider changing laws to ease registration of independent media and guarantee its freedom.",
    "98.13": "Issue a standing invitation to all special procedures and accept their pending visit requests.",
    "98.14": "Combat discrimination against ethnic minorities and Roma, including police harassment, and ensure their equal access to education and participation.",
    "98.15": "Guarantee women's equality before the law, including through dedicated gender-equality legislation.",
    "98.16": "Declare a moratorium on executions towards abolition, publish death-sentence and execution figures and consider ratifying the ICCPR Second Optional Protocol.",
    "98.17": "Impose an immediate moratorium and abolish the death penalty, commute death sentences, and join the ICCPR Second Optional Protocol and ECHR Protocols 6 and 13.",
    "98.18": "Disclose full information on the executions of Andrei Zhuk and Vasily Yuzepchuk in Minsk in March 2010.",
    "98.19": "Suspend officials implicated in enforced disappearances, extrajudicial executions or torture, and ensure impartial investigations and prosecution.",
    "98.20": "Implement the PACE recommendations on disappeared persons in Belarus and ratify the Convention against Enforced Disappearance.",
    "98.21": "Write the Convention against Torture's definition of torture (article 1) into national law.",
    "98.22": "Investigate promptly and impartially every complaint of torture or ill-treatment of people in custody.",
    "98.23": "Investigate and punish those responsible for harassment, arbitrary detention and torture of government opponents, including journalists and defenders.",
    "98.24": "Ban corporal punishment of children.",
    "98.25": "Strengthen the independence of the judiciary.",
    "98.26": "Ensure all trials meet international fair-trial standards and answer concerns about the trials of human rights defenders.",
    "98.27": "Protect journalists, lift reporting restrictions, simplify media registration and accreditation, align press law with international standards and drop defamation laws.",
    "98.28": "Simplify registration of NGOs, parties and unions, lift the ban on unregistered associations and repeal the art. 193-1 offence punishing their activity.",
    "98.29": "Make media registration and accreditation of foreign journalists transparent and non-discriminatory.",
    "98.30": "Allow efficient registration of NGOs, opposition parties and unions without administrative discretion, and decriminalise unregistered NGO activity.",
    "98.31": "Let civic groups, defenders, parties and unions work without reprisals, protect defenders' expression and assembly, and repeal art. 193-1.",
    "98.32": "Investigate violations and crimes against human rights defenders, journalists, students and activists independently and bring perpetrators to justice.",
    "98.33": "Take steps to stop attacks on political activists and journalists, including harassment and arbitrary arrest.",
    "98.34": "Make it simpler to obtain permission to hold assemblies.",
    "98.35": "Create a favourable environment for human rights and other NGOs and for parties, removing obstacles to their registration.",
    "98.36": "Stop holding political prisoners and political trials, free the media, ensure transparent vote counting and remove obstacles for NGOs and parties.",
    "98.37": "Reform electoral law and practice per OSCE/ODIHR (and CIS observer) recommendations, ensure free and fair elections and invite international observers.",
    "98.38": "Publicly commit to pluralism and democracy and let opposition parties take part freely in politics without retribution.",
}

# themes added by hand where the UPR Info issues clearly miss one (explained in the note)
EXTRA_THEMES = {
    "97.3": ["legal-reform"],
    "97.9": ["un-cooperation"],
    "97.34": ["children-family"],
    "97.54": ["legal-reform"],
    "98.10": ["association-assembly"],
    "98.11": ["association-assembly"],
    "98.18": ["death-penalty"],
    "98.22": ["accountability"],
    "98.23": ["accountability"],
    "98.32": ["accountability"],
    "98.35": ["association-assembly"],
    "98.36": ["political-prisoners"],
    "98.38": ["elections"],
}

RECURRENCES = {
    "death-penalty-moratorium": "Declare a moratorium on executions and abolish the death penalty",
    "iccpr-op2-ratification": "Ratify the Second Optional Protocol to the ICCPR",
    "political-prisoners-release": "Release political prisoners",
    "ngo-registration": "Ease or allow registration of NGOs and political parties",
    "art-193-1-repeal": "Repeal Criminal Code art. 193-1 (activity of unregistered organisations)",
    "special-procedures-access": "Cooperate with and give access to UN special procedures",
    "torture-investigation": "Investigate torture and ill-treatment",
    "journalists-protection": "Protect journalists and media freedom",
    "hrd-protection": "Stop harassment of human rights defenders and activists",
    "electoral-reform": "Reform elections in line with OSCE/ODIHR recommendations",
    "opcat-ratification": "Ratify the Optional Protocol to the Convention against Torture",
    "legal-harmonisation": "Align national legislation with international standards",
    "icc-referral-join": "Join Lithuania's referral of the situation in Belarus to the ICC",
}

RECURRENCE_OF = {
    "97.3": "legal-harmonisation",
    "97.13": "special-procedures-access",
    "97.14": "special-procedures-access",
    "97.16": "special-procedures-access",
    "97.17": "special-procedures-access",
    "97.18": "special-procedures-access",
    "98.1": "iccpr-op2-ratification",
    "98.4": "opcat-ratification",
    "98.8": "legal-harmonisation",
    "98.9": "art-193-1-repeal",
    "98.10": "ngo-registration",
    "98.11": "legal-harmonisation",
    "98.12": "journalists-protection",
    "98.13": "special-procedures-access",
    "98.16": "death-penalty-moratorium",
    "98.17": "death-penalty-moratorium",
    "98.21": "legal-harmonisation",
    "98.22": "torture-investigation",
    "98.23": "torture-investigation",
    "98.27": "journalists-protection",
    "98.28": "art-193-1-repeal",
    "98.29": "journalists-protection",
    "98.30": "ngo-registration",
    "98.31": "hrd-protection",
    "98.32": "hrd-protection",
    "98.33": "hrd-protection",
    "98.35": "ngo-registration",
    "98.36": "political-prisoners-release",
    "98.37": "electoral-reform",
}

CIVICUS_NOTE = (
    "CIVICUS (as reported in S12/S13) listed simpler NGO/party registration and repeal of art. 193-1 among "
    "topics Belarus rejected; UPR Info records this paragraph as Accepted."
)
EXTRA_NOTES = {
    "98.3": "Partly supported: UPR Info records Spain's ask to sign and ratify the Convention as Accepted and its ask on the Convention's Optional Protocol as Noted.",
    "98.28": "The report says 'article 193-1 of the Constitution'; the provision is in the Criminal Code (as 98.9 states). " + CIVICUS_NOTE,
    "98.30": CIVICUS_NOTE,
    "98.31": CIVICUS_NOTE,
    "98.35": CIVICUS_NOTE,
}

_S19 = "Worded in Norway's undated UPR statement to Belarus (S19), attributed to the 2015 review from its content; paragraph number and Belarus's response not found."
_S14 = "The UK said at the adoption of the outcome at HRC46 (2021-03-16) that Belarus had not accepted its three recommendations (S14), so recorded as noted; paragraph number not found."
_S09 = "Reported by the Office of Sviatlana Tsikhanouskaya (S09) from the November 2025 review; paragraph number and Belarus's response not found."

# (id, cycle, state name, iso3, summary, themes, response, recurrence, source_ids, note)
LATER_RECOMMENDATIONS = [
    ("C2-NOR-1", 2, "Norway", "NOR",
     "Introduce an immediate moratorium on the death penalty with a view to abolishing it permanently.",
     "death-penalty", "unknown", "death-penalty-moratorium", "S19;S91",
     _S19 + " Amnesty (S91) says Belarus rejected all death-penalty recommendations in the second cycle; no source gives the response to this one."),
    ("C2-NOR-2", 2, "Norway", "NOR",
     "Give the Special Rapporteur on Belarus and other special procedures unhindered access, follow the Rapporteur's advice and resume cooperation with international organisations.",
     "un-cooperation", "unknown", "special-procedures-access", "S19", _S19),
    ("C2-NOR-3", 2, "Norway", "NOR",
     "Free all political prisoners at once and unconditionally, rehabilitate them and lift restrictions on those pardoned.",
     "political-prisoners", "unknown", "political-prisoners-release", "S19", _S19),
    ("C2-NOR-4", 2, "Norway", "NOR",
     "Amend the mass media law so that it does not unduly limit freedom of expression, as the OSCE media freedom representative advises.",
     "expression-media;legal-reform", "unknown", "journalists-protection", "S19;S91",
     _S19 + " Amnesty (S91) says Belarus rejected all specific recommendations on freedom of expression, association and assembly in the second cycle; no source gives the response to this one."),
    ("C3-GBR-1", 3, "United Kingdom", "GBR",
     "Lift restrictions on fundamental freedoms and on independent media.",
     "association-assembly;expression-media", "noted", "journalists-protection", "S14", _S14),
    ("C3-GBR-2", 3, "United Kingdom", "GBR",
     "Release people unjustly detained and investigate every report of torture or other ill-treatment.",
     "accountability;political-prisoners;torture-detention", "noted", "political-prisoners-release", "S14",
     _S14 + " Also asks for torture investigations (recurrence torture-investigation); release taken as the main ask."),
    ("C3-GBR-3", 3, "United Kingdom", "GBR",
     "Fully implement the recommendations of the independent OSCE Moscow Mechanism report.",
     "accountability", "noted", "", "S14", _S14 + " Theme assigned by us."),
    ("C4-GBR-1", 4, "United Kingdom", "GBR",
     "Introduce a death-penalty moratorium, release all political prisoners and review laws restricting assembly and association.",
     "association-assembly;death-penalty;political-prisoners", "unknown", "death-penalty-moratorium", "S09",
     _S09 + " Also asks for release of political prisoners; moratorium taken as the main ask."),
    ("C4-NZL-1", 4, "New Zealand", "NZL",
     "Release all political prisoners, bring detention conditions up to international standards and ratify the ICCPR Second Optional Protocol.",
     "death-penalty;international-instruments;political-prisoners;torture-detention", "unknown", "political-prisoners-release", "S09", _S09),
]

REC_COLUMNS = ["recommendation_id", "cycle", "paragraph", "summary", "themes", "response", "recurrence_id", "source_ids", "note"]
STATE_COLUMNS = ["recommendation_id", "state_iso3", "response", "action_category", "text_key", "source_ids"]
RESPONSE = {"Accepted": "supported", "Noted": "noted"}


def norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def para_key(p: str) -> tuple[int, int]:
    a, b = p.split(".")
    return int(a), int(b)


def parse_report(path: Path) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    """Return [(paragraph, [(ask text, [states])])] for paragraphs 97.x and 98.x."""
    text = path.read_text(encoding="utf-8")
    out = []
    for p, body in re.findall(r"^(9[78]\.\d+)\. (.*?)\s*$", text, re.M):
        segments, last = [], 0
        for m in re.finditer(r"\(([^()]*)\)", body):
            inner = m.group(1)
            # brackets that are not state lists: "(for example, article 193-1 ...)" and "(i)", "(ii)", "(iii)"
            if inner.startswith("for example") or re.fullmatch(r"i+", inner):
                continue
            segments.append((body[last:m.start()], [s.strip() for s in inner.split(",")]))
            last = m.end()
        out.append((p, segments))
    return out


def iso3(name: str) -> str:
    code = ISO3_OVERRIDES.get(name) or pycountry.countries.lookup(name).alpha_3
    if pycountry.countries.get(alpha_3=code) is None:
        raise SystemExit(f"{name}: {code} is not an ISO 3166-1 alpha-3 code")
    return code


def place_rows(paras, rows) -> dict[str, list[dict]]:
    placed: dict[int, str] = {}
    for i, r in enumerate(rows):
        state = REPORT_NAME.get(r["From"], r["From"])
        wording = norm(r["Text"])
        hits = {p for p, segs in paras for text, states in segs if state in states and wording in norm(text)}
        if len(hits) == 1:
            placed[i] = hits.pop()
        elif len(hits) > 1:
            raise SystemExit(f"export row {i + 1} ({r['From']}) matches several paragraphs: {sorted(hits)}")
    for state, start, p in MANUAL_PLACEMENTS:
        idx = [i for i, r in enumerate(rows) if r["From"] == state and r["Text"].startswith(start)]
        if len(idx) != 1 or idx[0] in placed:
            raise SystemExit(f"manual placement {state!r} {start!r}: expected one unplaced row, got {idx}")
        placed[idx[0]] = p
    missing = [i + 1 for i in range(len(rows)) if i not in placed]
    if missing:
        raise SystemExit(f"export rows not placed in any paragraph: {missing}")
    by_para: dict[str, list[dict]] = defaultdict(list)
    for i in sorted(placed):
        by_para[placed[i]].append(rows[i])
    # cross-check: the states of the rows in each paragraph are the states the report names there
    for p, segs in paras:
        named = Counter(s for _, states in segs for s in states)
        got = Counter(REPORT_NAME.get(r["From"], r["From"]) for r in by_para[p])
        if p == "98.3":
            named["Spain"] += 1  # UPR Info splits Spain's single ask in two rows
        if named != got:
            raise SystemExit(f"{p}: report names {dict(named)}, export rows give {dict(got)}")
    return by_para


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--report", type=Path, default=DEFAULT_REPORT)
    ap.add_argument("--export", type=Path, default=DEFAULT_EXPORT)
    ap.add_argument("--store", "--data-dir", dest="store", default=None,
                    help="the store to write (default: $COMPLIANCE_STORE or data/)")
    ap.add_argument("--editor", default="scripts/build_cycle1_recommendations.py")
    args = ap.parse_args()
    store = open_store(args.store)
    current = store.load()

    if args.export == DEFAULT_EXPORT and SHARED_EXPORT.exists():
        if SHARED_EXPORT.read_bytes() != DEFAULT_EXPORT.read_bytes():
            raise SystemExit(f"{DEFAULT_EXPORT} differs from {SHARED_EXPORT}")

    with open(args.export, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    theme_map = {r.uprinfo_issue: r.theme_slug or "" for r in current.table("theme_map_uprinfo.csv").itertuples()}
    known_themes = set(current.table("themes.csv")["theme_slug"])

    paras = parse_report(args.report)
    if len(rows) != 169 or len(paras) != 93:
        raise SystemExit(f"expected 169 export rows and 93 paragraphs, got {len(rows)} and {len(paras)}")
    if set(SUMMARIES) != {p for p, _ in paras}:
        raise SystemExit("SUMMARIES must cover exactly the 93 paragraphs")
    by_para = place_rows(paras, rows)

    rec_rows, state_rows = [], []
    for p, _ in sorted(paras, key=lambda x: para_key(x[0])):
        prs = by_para[p]
        issues = [i.strip() for r in prs for i in r["Issue"].split(",") if i.strip()]
        unknown = [i for i in issues if i not in theme_map]
        if unknown:
            raise SystemExit(f"{p}: issue(s) not in theme_map_uprinfo.csv: {unknown}")
        derived = {theme_map[i] for i in issues if theme_map[i]}
        added = [t for t in EXTRA_THEMES.get(p, []) if t not in derived]
        themes = sorted(derived | set(added))
        responses = {RESPONSE[r["Response"]] for r in prs}
        response = responses.pop() if len(responses) == 1 else "partially_supported"

        counts = Counter(r["Response"] for r in prs)
        tally = ", ".join(f"{counts[k]} {k}" for k in ("Accepted", "Noted") if counts[k])
        n = len(prs)
        if p.startswith("97."):
            note = f"Supported at the Working Group (para 97); UPR Info records {'all ' + str(n) + ' state rows' if n > 1 else 'its one state row'} as Accepted."
        else:
            note = f"Examined after the Working Group; final response per UPR Info ({n} state row{'s' if n > 1 else ''}: {tally})."
        if p in EXTRA_NOTES:
            note += " " + EXTRA_NOTES[p]
        if added:
            note += f" Theme {', '.join(added)} added by hand (not among the UPR Info issues of the rows)."
        rec_rows.append({
            "recommendation_id": f"C1-{p}", "cycle": 1, "paragraph": p, "summary": SUMMARIES[p],
            "themes": ";".join(themes), "response": response, "recurrence_id": RECURRENCE_OF.get(p, ""),
            "source_ids": C1_SOURCES, "note": note,
        })
        for r in prs:
            state_rows.append({
                "recommendation_id": f"C1-{p}", "state_iso3": iso3(r["From"]), "response": RESPONSE[r["Response"]],
                "action_category": int(r["Action"]), "text_key": text_key(r["Text"]), "source_ids": STATE_SOURCES,
            })

    for rid, cycle, name, code, summary, themes, response, rec, sources, note in LATER_RECOMMENDATIONS:
        if iso3(name) != code:
            raise SystemExit(f"{rid}: {name} is {iso3(name)}, not {code}")
        rec_rows.append({
            "recommendation_id": rid, "cycle": cycle, "paragraph": "", "summary": summary, "themes": themes,
            "response": response, "recurrence_id": rec, "source_ids": sources, "note": note,
        })
        state_rows.append({
            "recommendation_id": rid, "state_iso3": code, "response": response, "action_category": "",
            "text_key": "", "source_ids": sources,
        })

    # checks
    for r in rec_rows:
        bad = [t for t in r["themes"].split(";") if t not in known_themes]
        if bad or not r["themes"]:
            raise SystemExit(f"{r['recommendation_id']}: unknown or missing theme(s) {bad}")
        if r["recurrence_id"] and r["recurrence_id"] not in RECURRENCES:
            raise SystemExit(f"{r['recommendation_id']}: unknown recurrence {r['recurrence_id']}")
    c1 = [r for r in rec_rows if r["cycle"] == 1]
    tally = Counter((r["paragraph"][:2], r["response"]) for r in c1)
    expected = Counter({("97", "supported"): 55, ("98", "supported"): 18, ("98", "partially_supported"): 1, ("98", "noted"): 19})
    if len(c1) != 93 or tally != expected:
        raise SystemExit(f"unexpected cycle-1 tally: {dict(tally)}")
    if sum(1 for r in state_rows if r["recommendation_id"].startswith("C1-")) != 169:
        raise SystemExit("expected 169 cycle-1 state rows")

    def plan(now):
        """Replace the rows this script owns, keep every other row (imports), in the store's one write path."""
        owned = {r["recommendation_id"] for r in rec_rows}
        recs = now.table("recommendations.csv")
        states = now.table("recommendation_states.csv")
        recurrences = now.table("recurrences.csv")
        built_recs = pd.DataFrame(rec_rows, columns=REC_COLUMNS).replace("", None)
        # the kind of ask and the judgement come from the implementation standard, not from the UN report: kept
        kept = recs.set_index("recommendation_id")[["ask_kind", "judgement"]]
        built_recs = built_recs.drop(columns=["ask_kind", "judgement"], errors="ignore").join(kept, on="recommendation_id")
        built_states = pd.DataFrame(state_rows, columns=STATE_COLUMNS).replace("", None)
        built_rec = pd.DataFrame([{"recurrence_id": k, "label": v} for k, v in RECURRENCES.items()])
        return {
            "recommendations.csv": pd.concat([built_recs, recs[~recs["recommendation_id"].isin(owned)]], ignore_index=True),
            "recommendation_states.csv": pd.concat([built_states, states[~states["recommendation_id"].isin(owned)]],
                                                   ignore_index=True),
            "recurrences.csv": pd.concat([built_rec, recurrences[~recurrences["recurrence_id"].isin(RECURRENCES)]],
                                         ignore_index=True),
        }

    result = store.apply(plan, editor=args.editor, summary="rebuild cycle-1 recommendations from A/HRC/15/16 and UPR Info")
    print(f"wrote {len(rec_rows)} recommendations ({len(c1)} cycle 1), {len(state_rows)} recommending-state rows, "
          f"{len(RECURRENCES)} recurrences; cycle-1 responses: {dict(sorted(tally.items()))}; "
          + (f"change set {result.commit_id}: {', '.join(result.files)}" if result.changed else "the store already held them"),
          file=sys.stderr)


if __name__ == "__main__":
    main()
