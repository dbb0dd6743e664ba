"""Make firmware/data/regions.bin from the installed phonenumbers (see firmware/regiontable.py).

    .venv/bin/python scripts/make_region_table.py [--countries CN,HK] [--out PATH]

Run it after upgrading phonenumbers and commit the file; the test
tests/test_regiontable.py fails while the table and the package disagree. English
place names are kept for the countries named (CN by default); Chinese place names,
carriers (both languages) and every country's name are kept for all countries.
The output is the same bytes for the same input.
"""

from __future__ import annotations

import argparse
import array
import json
import sys
import zlib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from firmware.regiontable import DEFAULT_PATH, MAGIC  # noqa: E402


def find_lang(langdict: dict[str, str], lang: str) -> str | None:
    """phonenumbers.prefix._find_lang for a bare language (no script, no region)."""
    if lang in langdict:
        return langdict[lang]
    if lang not in ("zh", "ja", "ko"):
        return langdict.get("en")
    return None


def region_names() -> dict[str, dict[str, str]]:
    from phonenumbers.geodata.locale import LOCALE_DATA

    def name(names: dict[str, str], lang: str) -> str:
        text = names.get(lang, "")
        return names.get(text[1:], "") if text.startswith("*") else text

    return {region: {lang: name(names, lang) for lang in ("zh", "en")}
            for region, names in sorted(LOCALE_DATA.items())}


def entries(countries: list[str]) -> dict[tuple[str, str], dict[str, str]]:
    """(table, lang) -> {prefix: text}, as phonenumbers would find them."""
    import phonenumbers
    from phonenumbers.carrierdata import CARRIER_DATA
    from phonenumbers.geodata import GEOCODE_DATA

    codes = {str(phonenumbers.country_code_for_region(c)) for c in countries}
    wanted: dict[tuple[str, str], dict[str, str]] = {}
    for table, data, langs in (("geo", GEOCODE_DATA, ("zh", "en")),
                               ("carrier", CARRIER_DATA, ("zh", "en"))):
        for lang in langs:
            kept = {}
            for prefix, names in data.items():
                if table == "geo" and lang == "en" and not any(map(prefix.startswith, codes)):
                    continue
                text = find_lang(names, lang)
                if text is not None:
                    kept[prefix] = text
            wanted[(table, lang)] = kept
    return wanted


def build(countries: list[str]) -> bytes:
    import phonenumbers

    tables = entries(countries)
    texts = sorted({t for kept in tables.values() for t in kept.values()})
    index = {t: i for i, t in enumerate(texts)}
    if len(texts) >= 1 << 16:
        raise SystemExit("too many distinct texts for 16-bit indexes")
    blocks, body, offset = [], [], 0
    for (table, lang), kept in sorted(tables.items()):
        for length in sorted({len(p) for p in kept}):
            prefixes = sorted(int(p) for p in kept if len(p) == length)
            kind = "L" if prefixes[-1] < 1 << 32 else "Q"
            nums = array.array(kind, prefixes)
            refs = array.array("H", (index[kept[str(p)]] for p in prefixes))
            if sys.byteorder != "little":
                nums.byteswap()
                refs.byteswap()
            raw = zlib.compress(nums.tobytes() + refs.tobytes(), 9)
            blocks.append({"table": table, "lang": lang, "length": length, "type": kind,
                           "count": len(prefixes), "offset": offset, "size": len(raw)})
            body.append(raw)
            offset += len(raw)
    header = json.dumps({"phonenumbers": phonenumbers.__version__, "geo_en": sorted(countries),
                         "texts": texts, "names": region_names(), "blocks": blocks},
                        ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()
    return MAGIC + str(len(header)).encode() + b"\n" + header + b"".join(body)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--countries", default="CN",
                        help="regions whose places get English names too (default CN)")
    parser.add_argument("--out", type=Path, default=DEFAULT_PATH)
    args = parser.parse_args(argv)
    countries = sorted({c.strip().upper() for c in args.countries.split(",") if c.strip()})
    data = build(countries)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(data)
    print(f"{args.out}: {len(data)} bytes")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
