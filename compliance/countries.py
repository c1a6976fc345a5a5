"""State names as UPR exports spell them -> ISO 3166-1 alpha-3, via pycountry plus a small alias table.

An unmappable name is an error for the caller to report with its row; nothing is guessed.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

import pycountry

#: Names used by the UN, UPR Info or the Universal Human Rights Index that pycountry does not resolve.
#: Keys are compared after normalisation (lower case, straight apostrophes, single spaces).
ALIASES: dict[str, str] = {
    "palestine": "PSE",
    "state of palestine": "PSE",
    "holy see": "VAT",
    "republic of korea": "KOR",
    "korea (republic of)": "KOR",
    "south korea": "KOR",
    "dpr korea": "PRK",
    "democratic people's republic of korea": "PRK",
    "north korea": "PRK",
    "libyan arab jamahiriya": "LBY",
    "turkey": "TUR",
    "cote d'ivoire": "CIV",
    "côte d'ivoire": "CIV",
    "ivory coast": "CIV",
    "macedonia": "MKD",
    "the former yugoslav republic of macedonia": "MKD",
    "swaziland": "SWZ",
    "cape verde": "CPV",
    "micronesia": "FSM",
    "micronesia (federated states of)": "FSM",
    "democratic republic of the congo": "COD",
    "dr congo": "COD",
    "republic of the congo": "COG",
    "brunei": "BRN",
    "brunei darussalam": "BRN",
    "east timor": "TLS",
    "burma": "MMR",
    "bolivia (plurinational state of)": "BOL",
    "venezuela (bolivarian republic of)": "VEN",
    "iran (islamic republic of)": "IRN",
    "islamic republic of iran": "IRN",
    "united republic of tanzania": "TZA",
    "republic of moldova": "MDA",
    "russia": "RUS",
    "syria": "SYR",
    "laos": "LAO",
    "vietnam": "VNM",
    "uk": "GBR",
    "usa": "USA",
    "united states": "USA",
    "the netherlands": "NLD",
    "netherlands (kingdom of the)": "NLD",
    "czech republic": "CZE",
    "saint vincent and grenadines": "VCT",
    "sao tome and principe": "STP",
    "the gambia": "GMB",
    "the bahamas": "BHS",
}


def normalise_name(name: str) -> str:
    text = html.unescape(str(name))
    text = unicodedata.normalize("NFKC", text).replace("\u2019", "'").replace("\u2018", "'")
    return re.sub(r"\s+", " ", text).strip().strip(".").lower()


@lru_cache(maxsize=4096)
def to_iso3(name: str) -> str | None:
    """ISO3 code for a state name, or None if it cannot be mapped with certainty."""
    key = normalise_name(name)
    if not key:
        return None
    if key in ALIASES:
        return ALIASES[key]
    if re.fullmatch(r"[a-z]{3}", key) and pycountry.countries.get(alpha_3=key.upper()):
        return key.upper()
    try:
        return pycountry.countries.lookup(key).alpha_3
    except LookupError:
        return None


def split_states(cell: str) -> list[str]:
    """Several states in one cell: separated by line breaks (UHRI '- ' lists), ';' or ','.

    A comma is only a separator when every part maps to a state, so 'Korea, Republic of' stays one name."""
    text = html.unescape(str(cell))
    parts = [p.strip().lstrip("-").strip() for p in re.split(r"[\r\n;]+", text)]
    out: list[str] = []
    for p in parts:
        if not p:
            continue
        if "," in p and to_iso3(p) is None:
            pieces = [x.strip() for x in p.split(",") if x.strip()]
            if pieces and all(to_iso3(x) for x in pieces):
                out.extend(pieces)
                continue
        out.append(p)
    return out


@lru_cache(maxsize=None)
def state_name(iso3: str) -> str:
    """The short English name of a state (pycountry's common name where it has one), or the code if unknown."""
    c = pycountry.countries.get(alpha_3=iso3)
    return getattr(c, "common_name", None) or (c.name if c else iso3)


def state_label(iso3: str) -> str:
    """How a state is offered and shown: "Norway (NOR)"."""
    return f"{state_name(iso3)} ({iso3})"


@lru_cache(maxsize=1)
def all_state_codes() -> tuple[str, ...]:
    """Every ISO 3166 state, ordered by name (what a state picker offers)."""
    return tuple(sorted((c.alpha_3 for c in pycountry.countries), key=state_name))
