"""Country names (English and Russian) to ISO 3166 alpha-3 codes, for national statistics.

National statistics offices publish partner countries by *name*, not code, and each office
spells them its own way: Armenia writes "Korea, Republic of", Kazakhstan "Республика Корея",
Kyrgyzstan "The Republic of Korea" and "Корея (КНДР)" for the other Korea. This module turns
such names into the codes the ``flows`` table holds.

The lookup has two layers:

1. **Reference names** from the bundled country table
   (``reference/data/country_codes_datasets_country_codes.csv``): the columns
   ``official_name_en``, ``CLDR display name``, ``UNTERM English Short``, ``official_name_ru``
   and ``UNTERM Russian Short``. A name with a trailing qualifier in brackets ("Bolivia
   (Plurinational State of)") also answers to its short form ("Bolivia") unless that short
   form would be ambiguous ("Virgin Islands" is British or American, so it answers to
   neither) or is already another country's exact name ("Congo" stays the Republic of the
   Congo even though the DR Congo is "Congo (the Democratic Republic of the)").
2. **Curated aliases** (:data:`ALIASES`): names offices really use that the reference lacks,
   such as "Russia", "USA", "Российская Федерация"'s short form "Россия", or Kazakhstan's
   "Гибралтар (Брит.)". Aliases win over reference names. Spelling mistakes of one office
   ("Butane" for Bhutan) belong in that office's mapping file (``country_aliases``), not here.

Names are compared by :func:`name_key`: case-insensitive, accents and the Cyrillic "ё"/"й"
diacritics ignored, apostrophes, hyphens and dots treated as spaces, runs of spaces
collapsed, a leading "the" and a trailing "(the)" dropped. So "Cote d' Ivoire",
"Côte d'Ivoire" and "COTE D'IVOIRE" are one key, as are "Гвинея - Бисау" and "Гвинея-Бисау".
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Mapping
from functools import lru_cache
from importlib import resources
from typing import Final

#: The reference table's name columns used for the lookup.
NAME_COLUMNS: Final = (
    "official_name_en",
    "CLDR display name",
    "UNTERM English Short",
    "official_name_ru",
    "UNTERM Russian Short",
)

#: Names national offices use that the reference table does not have (name -> ISO alpha-3
#: or an aggregate code of :mod:`roundabout.reference.countries`).
ALIASES: Final[dict[str, str]] = {
    # Short and common English forms.
    "Russia": "RUS",
    "USA": "USA",
    "US": "USA",
    "United States": "USA",
    "UK": "GBR",
    "United Kingdom": "GBR",
    "Great Britain": "GBR",
    "Great Britain (United Kingdom)": "GBR",
    "Czech Republic": "CZE",
    "Turkey": "TUR",
    "UAE": "ARE",
    "South Korea": "KOR",
    "Korea, Republic of": "KOR",
    "Republic of Korea": "KOR",
    "North Korea": "PRK",
    "DPRK": "PRK",
    "Korea (DPRK)": "PRK",
    "Korea, DPR of": "PRK",
    "Korea, Democratic People's Republic of": "PRK",
    "Iran": "IRN",
    "Iran, Islamic Republic of": "IRN",
    "Moldova": "MDA",
    "Moldova, Republic of": "MDA",
    "Tanzania": "TZA",
    "Tanzania, United Republic of": "TZA",
    "Congo, Democratic Republic of the": "COD",
    "Democratic Republic of the Congo": "COD",
    "Zaire": "COD",
    "Libya": "LBY",
    "Libyan Arab Jamahiriya": "LBY",
    "Swaziland": "SWZ",
    "Macedonia": "MKD",
    "Republic of Macedonia": "MKD",
    "FYR of Macedonia": "MKD",
    "The former Yugoslav Republic of Macedonia": "MKD",
    "Vatican": "VAT",
    "Vatican City": "VAT",
    "Vatican City State": "VAT",
    "Palestine": "PSE",
    "Palestinian Territory, Occupied": "PSE",
    "Virgin Islands, British": "VGB",
    "British Virgin Islands": "VGB",
    "Virgin Islands, United States": "VIR",
    "Virgin Islands, U.S.": "VIR",
    "United States Virgin Islands": "VIR",
    "Hong Kong": "HKG",
    "SAR-Hong Kong": "HKG",
    "China (SAR Hong Kong)": "HKG",
    "Hong Kong, China": "HKG",
    "Macau": "MAC",
    "Macao": "MAC",
    "Taiwan": "TWN",
    "Taiwan, Province of China": "TWN",
    "Taiwan. China province": "TWN",
    "Syria": "SYR",
    "Laos": "LAO",
    "Vietnam": "VNM",
    "Brunei": "BRN",
    "Cape Verde": "CPV",
    "Cote d'Ivoire": "CIV",
    "Ivory Coast": "CIV",
    "Bosnia Herzegovina": "BIH",
    "Faeroe Islands": "FRO",
    "Falkland Islands": "FLK",
    "Falkland Islands (Malvinas)": "FLK",
    "Micronesia": "FSM",
    "Saint Martin (French part)": "MAF",
    "Saint-Martin (French part)": "MAF",
    "Netherlands Antilles": "ANT",
    "Bouvet": "BVT",
    "Wallis and Futuna Islands": "WLF",
    "Svalbard and Jan Mayen Islands": "SJM",
    "Unknown country": "XNS",
    "Undefined country": "XNS",
    "Countries not specified": "XNS",
    "Country not specified": "XNS",
    "EU countries not specified": "XNS",
    # Russian short and office forms.
    "Россия": "RUS",
    "Российская Федерация": "RUS",
    "США": "USA",
    "Соединенные Штаты": "USA",
    "Соединенные Штаты Америки": "USA",
    "Великобритания": "GBR",
    "Соединенное Королевство": "GBR",
    "Великобритания (Соединенное Королевство)": "GBR",
    "Чехия": "CZE",
    "Чешская Республика": "CZE",
    "Турция": "TUR",
    "ОАЭ": "ARE",
    "Южная Корея": "KOR",
    "Корея, Республика": "KOR",
    "КНДР": "PRK",
    "Корея (КНДР)": "PRK",
    "Корея, Народно-Демократическая Республика": "PRK",
    "Иран": "IRN",
    "Иран, Исламская Республика": "IRN",
    "Ирак, Республика Ирак": "IRQ",
    "Молдова": "MDA",
    "Молдова, Республика": "MDA",
    "Танзания": "TZA",
    "Танзания, Объединенная Республика": "TZA",
    "Демократическая Республика Конго": "COD",
    "Заир": "COD",
    "Ливийская Арабская Джамахирия": "LBY",
    "Свазиленд": "SWZ",
    "Македония": "MKD",
    "Республика Македония": "MKD",
    "Ватикан": "VAT",
    "Ватикан, Государство-Город": "VAT",
    "Палестина": "PSE",
    "Палестина, Государство": "PSE",
    "Республика Латвия": "LVA",
    "Боливия": "BOL",
    "Венесуэла": "VEN",
    "Сирия": "SYR",
    "Гонконг": "HKG",
    "Китай (САР Гонконг)": "HKG",
    "Макао": "MAC",
    "Тайвань (Китай)": "TWN",
    "Тайвань. Китайская провинция": "TWN",
    "ЮАР": "ZAF",
    "Южная Африка": "ZAF",
    "Южно-Африканская Республика": "ZAF",
    "ЦАР": "CAF",
    "Центрально-Африканская Республика": "CAF",
    "Кот д'Ивуар": "CIV",
    "Котд'Ивуар": "CIV",
    "Черногория (Монтенегро)": "MNE",
    "Мальдивы": "MDV",
    "Бруней": "BRN",
    "Эль-Сальвадор": "SLV",
    "Микронезия, Федеративные Штаты": "FSM",
    "Майотта": "MYT",
    "Уоллис и Футуна": "WLF",
    "Аландские острова": "ALA",
    "Буве": "BVT",
    "Сейшелы": "SYC",
    "Багамы": "BHS",
    "Бермуды": "BMU",
    "Питкерн": "PCN",
    "Тимор-Лесте": "TLS",
    "Самоа, Независимое Государство": "WSM",
    "Виргинские Острова (Брит.)": "VGB",
    "Британские Виргинские острова": "VGB",
    "Британско-Виргинские острова": "VGB",
    "Виргинские Острова (США)": "VIR",
    "Виргинские Острова, США": "VIR",
    "Гибралтар (Брит.)": "GIB",
    "Ангилья (Брит.)": "AIA",
    "Каймановы Острова": "CYM",
    "Каймановы Острова (Брит.)": "CYM",
    "Гуам (США)": "GUM",
    "Острова Кука (Н.Зел.)": "COK",
    "Кокосовые (Килинг) Острова": "CCK",
    "Фолклендские Острова (Мальвинские)": "FLK",
    "Французские Южные Территории": "ATF",
    "Нидерландские Антильские острова": "ANT",
    "Неизвестная страна": "XNS",
    "Неопределенная страна": "XNS",
    "Страна не определена": "XNS",
}

_APOSTROPHES_AND_DASHES = re.compile(r"[’‘'`´ʼ\-‐‑–—.]")
_SPACES = re.compile(r"\s+")
_TRAILING_QUALIFIER = re.compile(r"\s*\([^()]*\)$")


def name_key(name: str) -> str:
    """The comparison key of a country name (see the module docstring).

    >>> name_key("  Côte d’Ivoire ") == name_key("COTE D' IVOIRE")
    True
    >>> name_key("Russian Federation (the)")
    'russian federation'
    """
    decomposed = unicodedata.normalize("NFKD", name)
    s = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()
    s = _SPACES.sub(" ", _APOSTROPHES_AND_DASHES.sub(" ", s)).strip()
    s = s.removesuffix(" (the)")
    s = s.removeprefix("the ")
    return s


def _reference_rows() -> list[dict[str, str]]:
    text = (
        resources.files("roundabout.reference")
        .joinpath("data")
        .joinpath("country_codes_datasets_country_codes.csv")
        .read_text("utf-8-sig")
    )
    return list(csv.DictReader(text.splitlines()))


@lru_cache(maxsize=1)
def name_index() -> dict[str, str]:
    """Every known name key -> ISO alpha-3 (or aggregate) code, built once."""
    exact: dict[str, str] = {}
    short: dict[str, set[str]] = {}
    for row in _reference_rows():
        iso3 = row["ISO3166-1-Alpha-3"].strip()
        if not iso3:
            continue
        for column in NAME_COLUMNS:
            name = row.get(column, "").strip()
            if not name:
                continue
            exact.setdefault(name_key(name), iso3)
            stripped = _TRAILING_QUALIFIER.sub("", name)
            if stripped and stripped != name:
                short.setdefault(name_key(stripped), set()).add(iso3)
    index = dict(exact)
    for key, codes in short.items():
        if key not in index and len(codes) == 1:
            index[key] = next(iter(codes))
    index.update({name_key(name): code for name, code in ALIASES.items()})
    return index


def resolve_name(name: str, extra: Mapping[str, str] | None = None) -> str | None:
    """The code for one country name, or ``None`` when unknown.

    ``extra`` holds a mapping file's own aliases (name -> code); they win over everything.
    """
    key = name_key(name)
    if extra:
        for alias, code in extra.items():
            if name_key(alias) == key:
                return code
    return name_index().get(key)
