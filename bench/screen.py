"""Screening speed and index recall against the full bundled OFAC SDN (2024-05-03) + UN lists.

Usage: ``.venv/bin/python bench/screen.py [--names 1000000] [--workers 2] [--sample 10000]
[--brute 200] [--no-cache] [--write-baseline]``

1. Generates ``--names`` party names (seeded): Russian persons in Cyrillic and in several
   romanisations, Kazakh/Kyrgyz/Uzbek/Armenian persons and companies in native script and Latin,
   Western and Arabic-origin names, companies with legal forms of all the covered countries,
   and 1% perturbed real list names (typos, re-romanisation, reordering) so that hits exist.
2. Screens them all (``Screener.name_scores`` + entity scoring) in ``--workers`` processes
   forked after the index is built; reports names/second and the peak resident memory of the
   parent and of the workers (``ru_maxrss``).
3. Index recall: on ``--sample`` names, the pairs scoring >= threshold found through the index,
   against "exhaustive" scoring of the same names against every list name. Exhaustive pair
   scoring in Python costs ~30 us a pair (37,000 list names x 10,000 queries = 3 hours), so
   exhaustive here means: every list name whose sorted-skeleton string has rapidfuzz
   ``token_set_ratio`` >= 50 or ``partial_ratio`` >= 60 with the query (computed for all pairs
   in C), then fully scored. ``--brute N`` checks on N queries (half generated names, half
   list names) that neither this pre-filter nor the index loses anything against a true
   all-pairs scoring. The index is complete by construction (see
   :mod:`roundabout.matching.index`), so its recall should be 1.0 in both checks.
4. Alerts: the share of generated names with at least one match (1% are planted list names).
"""

from __future__ import annotations

import argparse
import gc
import json
import multiprocessing as mp
import os
import random
import resource
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from rapidfuzz import fuzz, process

from roundabout.lists import bundled
from roundabout.matching.compare import compare
from roundabout.matching.matcher import DEFAULT_THRESHOLD, ScreenEntry, Screener
from roundabout.matching.model import Party
from roundabout.matching.normalize import analyze

BASELINE = Path(__file__).parent / "baselines" / "screen.json"

RU_FIRST = [
    "Александр",
    "Алексей",
    "Андрей",
    "Дмитрий",
    "Сергей",
    "Иван",
    "Михаил",
    "Николай",
    "Юрий",
    "Владимир",
    "Евгений",
    "Олег",
    "Павел",
    "Роман",
    "Артём",
    "Игорь",
    "Максим",
    "Татьяна",
    "Елена",
    "Ольга",
    "Наталья",
    "Мария",
    "Анна",
    "Юлия",
    "Ксения",
]
RU_PATR = [
    "Александрович",
    "Алексеевич",
    "Андреевич",
    "Дмитриевич",
    "Сергеевич",
    "Иванович",
    "Михайлович",
    "Николаевич",
    "Юрьевич",
    "Владимирович",
    "Петрович",
    "Викторович",
]
RU_LAST = [
    "Иванов",
    "Смирнов",
    "Кузнецов",
    "Попов",
    "Васильев",
    "Петров",
    "Соколов",
    "Михайлов",
    "Новиков",
    "Фёдоров",
    "Морозов",
    "Волков",
    "Алексеев",
    "Лебедев",
    "Семёнов",
    "Егоров",
    "Павлов",
    "Козлов",
    "Степанов",
    "Николаев",
    "Орлов",
    "Андреев",
    "Макаров",
    "Никитин",
    "Захаров",
    "Зайцев",
    "Соловьёв",
    "Борисов",
    "Яковлев",
    "Григорьев",
    "Романов",
    "Воробьёв",
    "Щербаков",
    "Жуков",
    "Хабаров",
    "Цветков",
    "Чернов",
    "Шевченко",
    "Юдин",
]
KZ_FIRST = [
    "Нұрлан",
    "Ерлан",
    "Асқар",
    "Бауыржан",
    "Дәурен",
    "Айгүл",
    "Гүлнар",
    "Сәуле",
    "Жанар",
    "Қайрат",
    "Ержан",
    "Мұрат",
    "Әсет",
    "Ғалым",
    "Дина",
]
KZ_LAST = [
    "Әбенов",
    "Жақсыбеков",
    "Қасымов",
    "Сейітов",
    "Нұрланов",
    "Төлеуов",
    "Бекмұхамбетов",
    "Оспанов",
    "Құлыбаев",
    "Мұқанов",
    "Ахметов",
    "Серікбаев",
]
UZ = [
    "Shavkat",
    "Jasur",
    "Dilnoza",
    "Gulnora",
    "Bahodir",
    "Otabek",
    "Rustam",
    "Sardor",
    "Nodira",
    "Aziz",
    "Tojiev",
    "Rahimov",
    "Karimov",
    "Toshmatov",
    "Xolmatov",
    "Yusupov",
    "Qodirov",
    "Ergashev",
    "Nazarov",
    "Usmonov",
]
AM = [
    "Արամ",
    "Գագիկ",
    "Սամվել",
    "Նարեկ",
    "Անի",
    "Մարիամ",
    "Հովհաննիսյան",
    "Սարգսյան",
    "Կարապետյան",
    "Պետրոսյան",
    "Վարդանյան",
    "Գրիգորյան",
]
WEST = [
    "John",
    "Michael",
    "David",
    "James",
    "Robert",
    "Maria",
    "Anna",
    "Laura",
    "Peter",
    "Thomas",
    "Smith",
    "Johnson",
    "Brown",
    "Miller",
    "Davis",
    "Wilson",
    "Taylor",
    "Anderson",
    "Thomas",
    "Moore",
    "Martin",
    "Schmidt",
    "Müller",
    "Weber",
    "Fischer",
    "Rossi",
    "Bianchi",
    "Dubois",
    "Laurent",
]
ARAB = [
    "Mohammed",
    "Ahmed",
    "Ali",
    "Hassan",
    "Hussein",
    "Omar",
    "Khalid",
    "Abdullah",
    "Yousef",
    "Ibrahim",
    "Al-Rashid",
    "Al-Masri",
    "Haddad",
    "Nasser",
    "Khoury",
    "Saleh",
]
WORDS_RU = [
    "Альфа",
    "Бета",
    "Трейд",
    "Логистик",
    "Сервис",
    "Импорт",
    "Экспорт",
    "Техно",
    "Пром",
    "Строй",
    "Инвест",
    "Групп",
    "Восток",
    "Запад",
    "Север",
    "Юг",
    "Транс",
    "Энерго",
    "Снаб",
    "Маш",
    "Хим",
    "Агро",
    "Металл",
    "Системс",
    "Электро",
    "Ком",
    "Нефть",
    "Газ",
    "Терминал",
    "Карго",
]
WORDS_LAT = [
    "Global",
    "Trade",
    "Logistics",
    "Star",
    "Gulf",
    "Eurasia",
    "Silk",
    "Road",
    "Caspian",
    "Steppe",
    "Alpha",
    "Delta",
    "Prime",
    "United",
    "Asia",
    "Pacific",
    "Capital",
    "Tech",
    "Systems",
    "Electronics",
    "Components",
    "Machinery",
    "Industrial",
    "Supply",
    "Solutions",
    "Holding",
    "Group",
    "Anadolu",
    "Bosphorus",
    "Marmara",
    "Altyn",
    "Samruk",
    "Tau",
    "Kok",
    "Ak",
    "Zhol",
    "Samarqand",
    "Buxoro",
    "Ararat",
    "Sevan",
]
FORMS_RU = ["ООО", "АО", "ПАО", "ТОО", "ЖШС", "ОсОО", "МЧЖ", "ИП", "ЗАО"]
FORMS_LAT = [
    "LLC",
    "JSC",
    "PJSC",
    "LLP",
    "Ltd",
    "FZE",
    "FZCO",
    "OOO",
    "TOO",
    "MChJ",
    "XK",
    "A.Ş.",
    "Ltd.Şti.",
    "GmbH",
    "SPY",
    "Inc",
]


def _typo(rng: random.Random, s: str) -> str:
    if len(s) < 5:
        return s
    i = rng.randrange(1, len(s) - 1)
    op = rng.randrange(3)
    if op == 0:
        return s[:i] + s[i + 1 :]
    if op == 1:
        return s[:i] + s[i + 1] + s[i] + s[i + 2 :]
    return s[:i] + rng.choice("aeiouy") + s[i + 1 :]


def generate(n: int, list_names: list[str], seed: int = 7) -> Iterator[str]:
    for name, _ in generate_labelled(n, list_names, seed):
        yield name


def generate_labelled(
    n: int, list_names: list[str], seed: int = 7
) -> Iterator[tuple[str, int | None]]:
    """Names with, for the planted ones, the index of the list name they were made from."""
    rng = random.Random(seed)
    from roundabout.matching.translit import to_ascii

    for _ in range(n):
        k = rng.random()
        if k < 0.01:
            source = rng.randrange(len(list_names))
            name = list_names[source]
            r2 = rng.random()
            if r2 < 0.4:
                name = _typo(rng, name)
            elif r2 < 0.7:
                toks = name.split()
                rng.shuffle(toks)
                name = " ".join(toks)
            yield name, source
            continue
        elif k < 0.30:
            name = f"{rng.choice(RU_FIRST)} {rng.choice(RU_PATR)} {rng.choice(RU_LAST)}"
            if rng.random() < 0.5:
                name = to_ascii(name).title()
            yield (name if rng.random() < 0.7 else " ".join(name.split()[::2])), None
        elif k < 0.40:
            yield (f"{rng.choice(KZ_FIRST)} {rng.choice(KZ_LAST)}"), None
        elif k < 0.47:
            yield (f"{rng.choice(UZ)} {rng.choice(UZ)}"), None
        elif k < 0.52:
            yield (f"{rng.choice(AM)} {rng.choice(AM)}"), None
        elif k < 0.62:
            yield (f"{rng.choice(WEST)} {rng.choice(WEST)}"), None
        elif k < 0.70:
            yield (f"{rng.choice(ARAB)} {rng.choice(ARAB)} {rng.choice(ARAB)}"), None
        elif k < 0.85:
            words = " ".join(rng.choice(WORDS_RU) for _ in range(rng.randint(1, 3)))
            yield (f"{rng.choice(FORMS_RU)} «{words}»"), None
        else:
            words = " ".join(rng.choice(WORDS_LAT) for _ in range(rng.randint(1, 3)))
            yield (f"{words} {rng.choice(FORMS_LAT)}"), None


_SCREENER: Screener | None = None


def _private_kb() -> int:
    """Memory of this process not shared with others (Private_Clean + Private_Dirty, KiB):
    pages inherited from the parent and untouched since the fork are not counted."""
    try:
        text = Path("/proc/self/smaps_rollup").read_text()
    except OSError:
        return 0
    return sum(int(line.split()[1]) for line in text.splitlines() if line.startswith("Private_"))


#: Whether the workers also return every hit (``--hits-out``).
_KEEP_HITS = False


def _work(names: list[str]) -> tuple[int, int, int, int, float, int, int, list[list[object]]]:
    """Screen ``names``: hits, matches, names with a match (alerts), peak RSS, CPU seconds,
    private memory (KiB), pid, and (with ``--hits-out``) each name's hits as
    ``[entity id, score, matched name, match]`` lists."""
    assert _SCREENER is not None
    cpu0 = time.process_time()
    hits = matches = alerted = 0
    kept: list[list[object]] = []
    for i, name in enumerate(names):
        found = _SCREENER.screen(Party(str(i), name))
        hits += len(found)
        m = sum(1 for h in found if h.match)
        matches += m
        alerted += m > 0
        if _KEEP_HITS:
            kept.append([[h.entity_id, h.score, h.matched_name, h.match] for h in found])
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    cpu = time.process_time() - cpu0
    return hits, matches, alerted, rss, cpu, _private_kb(), os.getpid(), kept


def _chunks(xs: list[str], size: int) -> Iterator[list[str]]:
    for i in range(0, len(xs), size):
        yield xs[i : i + size]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--names", type=int, default=1_000_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--sample", type=int, default=10_000)
    ap.add_argument("--brute", type=int, default=0)
    ap.add_argument("--threshold", type=float, default=DEFAULT_THRESHOLD)
    ap.add_argument("--write-baseline", action="store_true")
    ap.add_argument(
        "--no-cache",
        action="store_true",
        help="turn off the Screener's per-name result cache (every name scored afresh)",
    )
    ap.add_argument(
        "--hits-out",
        type=Path,
        help="write every name's hits (entity id, score, matched name, match), one JSON line "
        "per generated name in order: two versions' files compare byte for byte",
    )
    args = ap.parse_args(argv)
    global _SCREENER, _KEEP_HITS
    _KEEP_HITS = args.hits_out is not None

    t0 = time.perf_counter()
    lists = bundled.current()
    entries = [ScreenEntry(e, p.source, e.content_hash()) for p in lists for e in p.entities]
    t1 = time.perf_counter()
    screener = Screener(entries, **({"cache_size": 0} if args.no_cache else {}))
    _SCREENER = screener
    t2 = time.perf_counter()
    list_names = [item.form.raw for item in screener.index.names]
    print(
        f"lists: {len(entries):,} entries, {len(list_names):,} names; parse {t1 - t0:.1f} s, "
        f"index {t2 - t1:.1f} s ({len(screener.index.postings):,} keys)"
    )
    names = list(generate(args.names, list_names))
    unique = len(set(names)) / len(names)
    print(
        f"{unique:.1%} of the generated names are distinct"
        + ("" if args.no_cache else " (repeats are served from the Screener's name cache)")
    )
    # Objects built so far (lists, index) are never freed: keep the collector off them, so
    # that the forked workers do not write to (and copy) the pages they live on.
    gc.collect()
    gc.freeze()
    t3 = time.perf_counter()
    hits = matches = alerted = 0
    worker_rss = 0
    private: dict[int, int] = {}
    cpu = 0.0
    load_start = list(os.getloadavg())
    per_name: list[list[object]] = []
    if args.workers > 1:
        ctx = mp.get_context("fork")
        with ctx.Pool(args.workers) as pool:
            # in order when the hits are written (each chunk's hits follow the one before)
            mapped = pool.imap if _KEEP_HITS else pool.imap_unordered
            for h, m, a, rss, c, priv, pid, kept in mapped(_work, _chunks(names, 5000)):
                hits += h
                matches += m
                alerted += a
                worker_rss = max(worker_rss, rss)
                private[pid] = max(private.get(pid, 0), priv)
                cpu += c
                per_name.extend(kept)
    else:
        hits, matches, alerted, worker_rss, cpu, priv, pid, per_name = _work(names)
        private[pid] = 0
    t4 = time.perf_counter()
    rate = len(names) / (t4 - t3)
    # The machine may be shared: CPU time gives the rate on dedicated cores.
    cpu_rate = len(names) / cpu if cpu else 0.0
    print(
        f"CPU time {cpu:.0f} s: {cpu_rate:,.0f} names per CPU-second, "
        f"{cpu_rate * args.workers:,.0f} names/s projected on {args.workers} dedicated cores"
    )
    if args.hits_out is not None:
        with args.hits_out.open("w", encoding="utf-8") as out:
            for row in per_name:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
        print(f"wrote the hits of {len(per_name):,} names to {args.hits_out}")
    parent_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"screened {len(names):,} names in {t4 - t3:.1f} s with {args.workers} workers: "
        f"{rate:,.0f} names/s; {hits:,} hits, {matches:,} matches; "
        f"{alerted / len(names):.2%} of names raise a match (1% are planted list names)"
    )
    print(f"peak RSS: parent {parent_rss / 1024:.0f} MB, largest worker {worker_rss / 1024:.0f} MB")
    total_mb = (parent_rss + sum(private.values())) / 1024
    print(
        f"memory in use: parent {parent_rss / 1024:.0f} MB + workers' private pages "
        f"{', '.join(f'{v / 1024:.0f}' for v in private.values())} MB = {total_mb:.0f} MB "
        "(worker RSS also counts the pages shared with the parent)"
    )

    planted = _planted_recall(screener, list_names, 2000, args.threshold)
    print(f"planted list names (typo / reordered / as listed), source entity found: {planted}")
    recall = _index_recall(screener, names[: args.sample], args.threshold)
    print(f"index recall on {args.sample:,} names: {recall}")
    brute = _brute_check(screener, names, args.brute, args.threshold) if args.brute else None
    if brute is not None:
        print(f"pre-filter check on {args.brute} names vs all-pairs scoring: {brute}")
    if args.write_baseline:
        BASELINE.parent.mkdir(parents=True, exist_ok=True)
        BASELINE.write_text(
            json.dumps(
                {
                    "names": len(names),
                    "workers": args.workers,
                    "names_per_second": round(rate),
                    "cpu_seconds": round(cpu),
                    "names_per_cpu_second": round(cpu_rate),
                    "load_average_at_start": load_start,
                    "load_average_at_end": list(os.getloadavg()),
                    "seconds": round(t4 - t3, 1),
                    "index_build_seconds": round(t2 - t1, 1),
                    "peak_rss_mb": {
                        "parent": round(parent_rss / 1024),
                        "worker": round(worker_rss / 1024),
                    },
                    "worker_private_mb": [round(v / 1024) for v in private.values()],
                    "memory_total_mb": round(total_mb),
                    "distinct_names": round(unique, 4),
                    "name_cache": not args.no_cache,
                    "hits": hits,
                    "matches": matches,
                    "names_with_a_match": alerted,
                    "alert_rate": round(alerted / len(names), 4),
                    "sample": args.sample,
                    "index_recall": recall,
                    "prefilter_check": brute,
                    "planted_recall": planted,
                },
                indent=2,
            )
            + "\n",
            "utf-8",
        )
        print(f"wrote {BASELINE}")
    return 0


def _planted_recall(
    screener: Screener, list_names: list[str], n: int, threshold: float
) -> dict[str, object]:
    """Perturbed list names: is their own entry found (as a match, and as the top hit)?"""
    items = screener.index.names
    found = top = 0
    rows = [r for r in generate_labelled(n * 100, list_names, seed=11) if r[1] is not None][:n]
    for name, source in rows:
        assert source is not None
        want = items[source].entity
        scores = screener.name_scores(name, floor=threshold)
        ok = {e for e, (cmp, _) in scores.items() if cmp.score >= threshold}
        found += want in ok
        if scores and max(scores, key=lambda e: scores[e][0].score) == want:
            top += 1
    return {
        "queries": len(rows),
        "found": round(found / len(rows), 4),
        "top1": round(top / len(rows), 4),
    }


def _pairs_via_index(screener: Screener, name: str, threshold: float) -> set[int]:
    scores = screener.name_scores(name, floor=threshold)
    return {e for e, (cmp, _) in scores.items() if cmp.score >= threshold}


def _index_recall(screener: Screener, sample: list[str], threshold: float) -> dict[str, object]:
    items = screener.index.names
    keys = [item.form.key for item in items]
    t = time.perf_counter()
    forms = [analyze(n) for n in sample]
    qkeys = [f.key for f in forms]
    set_scores = process.cdist(
        qkeys, keys, scorer=fuzz.token_set_ratio, score_cutoff=50, workers=-1
    )
    part_scores = process.cdist(qkeys, keys, scorer=fuzz.partial_ratio, score_cutoff=60, workers=-1)
    exhaustive = found = kept = 0
    for qi, name in enumerate(sample):
        cand = set(set_scores[qi].nonzero()[0]) | set(part_scores[qi].nonzero()[0])
        truth: set[int] = set()
        for nid in cand:
            item = items[nid]
            flag = items[nid].entity
            e = screener.entries[flag].entity
            from roundabout.matching.matcher import person_flag, query_form

            # the reading the screener compares with this list name (a name of unknown type
            # is read as the list reads its own: matcher.query_form)
            q = query_form(name, None, item.person)
            if compare(q, item.form, person=person_flag(e.schema)).score >= threshold:
                truth.add(item.entity)
        via_index = _pairs_via_index(screener, name, threshold)
        exhaustive += len(truth)
        kept += len(truth & via_index)
        found += len(via_index)
    return {
        "exhaustive_pairs": exhaustive,
        "index_pairs": found,
        "kept": kept,
        "recall": round(kept / exhaustive, 4) if exhaustive else None,
        "seconds": round(time.perf_counter() - t, 1),
    }


def _brute_check(
    screener: Screener, names: list[str], n: int, threshold: float
) -> dict[str, object]:
    from roundabout.matching.matcher import person_flag

    items = screener.index.names
    keys = [item.form.key for item in items]
    rng = random.Random(3)
    # Bias the check towards names that have hits: half perturbed list names.
    sample = rng.sample(names, n // 2) + rng.sample([i.form.raw for i in items], n - n // 2)
    lost = lost_index = total = 0
    for name in sample:
        q = analyze(name)
        s1 = process.extract(q.key, keys, scorer=fuzz.token_set_ratio, score_cutoff=50, limit=None)
        s2 = process.extract(q.key, keys, scorer=fuzz.partial_ratio, score_cutoff=60, limit=None)
        pre = {i for _, _, i in s1} | {i for _, _, i in s2}
        cands = set(screener.index.candidates(q, threshold))
        for nid, item in enumerate(items):
            e = screener.entries[item.entity].entity
            if compare(q, item.form, person=person_flag(e.schema)).score >= threshold:
                total += 1
                lost += nid not in pre
                lost_index += nid not in cands
    return {
        "queries": n,
        "pairs": total,
        "lost_by_prefilter": lost,
        "lost_by_index": lost_index,
    }


if __name__ == "__main__":
    sys.exit(main())
