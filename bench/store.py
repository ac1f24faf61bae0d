"""How fast are the store's look-ups with many people on file?

Fills a fresh SQLite store (the real schema, via open_store) with N people (default 1,000,000),
an admission for every third person and a few settlements each for some of them (with, for some,
a 事后报销 claim and what other sites paid), then times four look-ups through the services beside
the same query in raw sqlite3, in the same run: find a person by ID number, by name, an
admission by 住院号, and a year-to-date sum. The raw year-to-date reads the same three sources
and sums them the same way (Decimal, per pool and layer); the run checks that both agree.

    python bench/store.py [--people 1000000] [--lookups 2000] [--db PATH | --cache DIR]

``--cache DIR`` builds the store once into DIR (``store-<people>.sqlite3``) and reuses it.
"""

import argparse
import json
import random
import sqlite3
import sys
import tempfile
import time
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from stdnum.cn import ric

from app.services import (
    admission_by_number,
    find_admission,
    find_person,
    search_people,
    year_to_date,
)
from app.text import name_spellings
from db import open_store

SURNAMES = "赵钱孙李周吴郑王冯陈褚卫蒋沈韩杨朱秦尤许何吕施张孔曹严华金魏陶姜"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬芳燕"
NOW = datetime(2026, 6, 1, 9).isoformat(sep=" ")


def id_number(index: int) -> str:
    born = date(1930 + index % 80, 1 + index % 12, 1 + index % 28)
    body = f"330781{born:%Y%m%d}{index // 1680 % 1000:03d}"  # unique below 1,680,000
    return body + ric.calc_check_digit(body + "0")


def name(index: int) -> str:
    rng = random.Random(index)
    return rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN)


def fill(path: Path, people: int) -> None:
    """Add ``people`` people (an admission for every third, three settlements for every tenth)
    to the store at ``path``; its site LX01 is made unless it is there (a demo store has it)."""
    raw = sqlite3.connect(path)
    raw.execute("PRAGMA synchronous=OFF")  # loading only; the timed part uses the store's setup
    raw.execute(
        "INSERT OR IGNORE INTO site(code, name, facility, default_policy, created_at) "
        "VALUES ('LX01', '基准医院', 'county', 'lanxi', ?)",
        (NOW,),
    )
    seen = {number for (number,) in raw.execute("SELECT id_number FROM person")}
    first_new = raw.execute("SELECT coalesce(max(id), 0) FROM person").fetchone()[0] + 1
    rows = []
    for index in range(people):
        number = id_number(index)
        if number in seen:
            continue
        seen.add(number)
        spelled = name_spellings(name(index))
        rows.append(
            (
                number,
                name(index),
                *spelled,
                "M" if int(number[16]) % 2 else "F",
                f"{number[6:10]}-{number[10:12]}-{number[12:14]}",
                NOW,
                "基准",
            )
        )
    raw.executemany(
        "INSERT INTO person(id_number, name, name_pinyin, name_initials, sex, birth_date,"
        " created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    person_ids = [
        row[0]
        for row in raw.execute("SELECT id FROM person WHERE id >= ? ORDER BY id", (first_new,))
    ]
    admissions = [
        (
            pid,
            "LX01",
            f"ZY{pid:08d}",
            NOW,
            "内科",
            "肺炎",
            "county",
            "resident",
            "minimum_living",
            "lanxi",
            "inpatient",
            0,
            "[]",
            NOW,
            "基准",
            NOW,
        )
        for pid in person_ids[::3]
    ]
    raw.executemany(
        "INSERT INTO admission(person_id, site_code, admission_number, admitted_at, department,"
        " diagnosis, facility, insurance, category, policy_id, visit, referral_approved,"
        " warnings_json, registered_at, registered_by, discharged_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        admissions,
    )
    result = json.dumps(
        {"layers": [{"code": "medical_assistance", "name": "医疗救助", "amount": "700.00"}]},
        ensure_ascii=False,
    )
    settlements = []
    for pid in person_ids[::10]:
        for visit in range(3):
            slip = f"LX01-2026-{pid * 3 + visit:09d}"
            settlements.append(
                (
                    slip,
                    "LX01",
                    pid,
                    "lanxi",
                    "2020-07-01",
                    "0" * 64,
                    f"2026-0{visit + 1}-15",
                    2026,
                    "inpatient",
                    "inpatient",
                    1,
                    "5000.00",
                    "1000.00",
                    "700.00",
                    "700.00",
                    "1300.00",
                    "{}",
                    result,
                    "[]",
                    "[]",
                    NOW,
                    "基准",
                    0,
                )
            )
    raw.executemany(
        "INSERT INTO settlement(slip_number, site_code, person_id, policy_id, policy_version,"
        " policy_sha256, claim_date, year, visit, pool, eligible, total, base, assistance,"
        " paid_at_window, patient_pays, claim_json, result_json, steps_json,"
        " missing_documents_json, settled_at, settled_by, voided)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        settlements,
    )
    raw.commit()
    raw.execute("ANALYZE")
    raw.close()


def fill_other_sources(path: Path) -> None:
    """Give every 20th settled person (of the people ``fill`` added) a paid 事后报销 claim and
    every 30th what another site paid, unless the store has them already (an older cache)."""
    raw = sqlite3.connect(path)
    if raw.execute("SELECT count(*) FROM paid_later_claim WHERE site_code = 'LX01'").fetchone()[0]:
        raw.close()
        return
    settled = [
        (pid, number)
        for pid, number in raw.execute(
            "SELECT DISTINCT person.id, person.id_number FROM settlement"
            " JOIN person ON person.id = settlement.person_id"
            " WHERE settlement.site_code = 'LX01' ORDER BY person.id"
        )
    ]
    result = {
        "eligible": True,
        "pool": "inpatient",
        "base": "3000.00",
        "assistance": "450.00",
        "layers": [{"code": "medical_assistance", "name": "医疗救助", "amount": "450.00"}],
    }
    claims = [
        (
            f"BX-LX01-2026-{pid:09d}",
            "LX01",
            pid,
            "lanxi",
            "2020-07-01",
            "0" * 64,
            "referred",
            "paid",
            2026,
            "minimum_living",
            "resident",
            "county",
            "市第一人民医院",
            "2026-03-01",
            "2026-03-10",
            1,
            "4000.00",
            "3000.00",
            "450.00",
            "450.00",
            "{}",
            json.dumps(result, ensure_ascii=False),
            "[]",
            "基准",
            "基准银行",
            "6222000000000000",
            NOW,
            "基准",
            "2026-03-20",
            "2026-04-20",
        )
        for pid, _ in settled[::20]
    ]
    raw.executemany(
        "INSERT INTO paid_later_claim(claim_number, site_code, person_id, policy_id,"
        " policy_version, policy_sha256, kind, status, year, category, insurance, facility,"
        " hospital, admitted_on, discharged_on, referral_approved, total, base, assistance,"
        " payable, claim_json, result_json, materials_json, account_name, bank, card_number,"
        " received_at, received_by, review_due, pay_due)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?,"
        " ?, ?, ?)",
        claims,
    )
    raw.executemany(
        "INSERT OR IGNORE INTO paid_elsewhere(id_number, year, policy_id, pool, site_code, base,"
        " assistance, layers_json) VALUES (?, 2026, 'lanxi', 'inpatient', 'LX09', '2000.00',"
        " '300.00', '{\"medical_assistance\": \"300.00\"}')",
        [(number,) for _, number in settled[::30]],
    )
    raw.commit()
    raw.execute("ANALYZE")
    raw.close()


YEAR_TO_DATE_SQL = """
SELECT 0 AS source, pool, base, assistance, result_json FROM settlement
 WHERE person_id = :person AND policy_id = 'lanxi' AND year = 2026 AND voided = 0 AND eligible = 1
UNION ALL
SELECT 1, NULL, NULL, NULL, result_json FROM paid_later_claim
 WHERE person_id = :person AND policy_id = 'lanxi' AND year = 2026 AND status <> 'returned'
   AND kind <> 'year_end'
UNION ALL
SELECT 2, pool, base, assistance, layers_json FROM paid_elsewhere
 WHERE id_number = (SELECT id_number FROM person WHERE id = :person)
   AND policy_id = 'lanxi' AND year = 2026
"""


def raw_year_to_date(raw: sqlite3.Connection, pid: int) -> dict:
    """What ``year_to_date`` computes, by hand: per pool, base, assistance and layers (Decimal)."""
    pools: dict = {}
    for source, pool, base, assistance, detail in raw.execute(YEAR_TO_DATE_SQL, {"person": pid}):
        detail = json.loads(detail)
        if source == 2:
            layers = detail.items()
        else:
            if source == 1:
                if not detail["eligible"] or detail["pool"] is None:
                    continue
                pool, base, assistance = detail["pool"], detail["base"], detail["assistance"]
            layers = [(layer["code"], layer["amount"]) for layer in detail.get("layers", ())]
        total = pools.setdefault(pool, [Decimal(0), Decimal(0), {}])
        total[0] += Decimal(base)
        total[1] += Decimal(assistance)
        for code, amount in layers:
            total[2][code] = total[2].get(code, Decimal(0)) + Decimal(amount)
    return pools


def same_year_to_date(through_store, through_raw: dict) -> bool:
    for pool in ("inpatient", "outpatient"):
        part = getattr(through_store, pool)
        base, assistance, layers = through_raw.get(pool, (Decimal(0), Decimal(0), {}))
        if (part.base, part.assistance, dict(part.layers)) != (base, assistance, layers):
            return False
    return True


def timed(function, keys) -> float:
    start = time.perf_counter()
    for key in keys:
        function(key)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=2000)
    parser.add_argument("--db", help="SQLite file to build (default: a temporary one)")
    parser.add_argument("--cache", type=Path, help="folder to keep the built store in, reused")
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory()
    path = Path(args.db) if args.db else Path(folder.name) / "bench.sqlite3"
    started = time.perf_counter()
    built = "loaded in {:.1f} s"
    if args.cache:
        path = args.cache / f"store-{args.people}.sqlite3"
        if path.exists():
            built = f"built earlier: {path}"
        else:
            args.cache.mkdir(parents=True, exist_ok=True)
            building = path.with_suffix(".building")
            building.unlink(missing_ok=True)
            open_store(building).close()
            fill(building, args.people)
            building.replace(path)
        fill_other_sources(path)
        store = open_store(path)
    elif path.exists():
        print(f"{path} 已存在：请指定一个新文件", file=sys.stderr)
        return 2
    else:
        store = open_store(path)
        fill(path, args.people)
        fill_other_sources(path)
    raw = sqlite3.connect(path)
    people = raw.execute("SELECT count(*) FROM person").fetchone()[0]
    print(
        f"people {people:,}, admissions "
        f"{raw.execute('SELECT count(*) FROM admission').fetchone()[0]:,}, settlements "
        f"{raw.execute('SELECT count(*) FROM settlement').fetchone()[0]:,}, 事后报销 "
        f"{raw.execute('SELECT count(*) FROM paid_later_claim').fetchone()[0]:,}, paid elsewhere "
        f"{raw.execute('SELECT count(*) FROM paid_elsewhere').fetchone()[0]:,} "
        f"({built.format(time.perf_counter() - started)})"
    )
    rng = random.Random(7)
    sample = rng.sample(range(1, people + 1), min(args.lookups, people))
    rows = {
        pid: raw.execute("SELECT id_number, name FROM person WHERE id = ?", (pid,)).fetchone()
        for pid in sample
    }
    numbers = [rows[pid][0] for pid in sample]
    names = [rows[pid][1] for pid in sample]
    admission_numbers = [f"ZY{pid - (pid - 1) % 3:08d}" for pid in sample]
    settled = [pid - (pid - 1) % 10 for pid in sample]

    def raw_admission(number):
        return raw.execute(
            "SELECT * FROM admission WHERE admission_number = ? ORDER BY id DESC LIMIT 1", (number,)
        ).fetchone()

    with store.read() as session:
        pairs = [
            (
                "find by ID number",
                lambda n: find_person(session, n),
                lambda n: raw.execute("SELECT * FROM person WHERE id_number = ?", (n,)).fetchone(),
                numbers,
            ),
            (
                "find by name",
                lambda n: search_people(session, n),
                lambda n: raw.execute(
                    "SELECT * FROM person WHERE id_number = ? OR (name >= ? AND name < ?) "
                    "ORDER BY name, id LIMIT 50",
                    (n, n, n + "\U0010ffff"),
                ).fetchall(),
                names,
            ),
            (
                "find by admission number",
                lambda n: find_admission(session, n),
                raw_admission,
                admission_numbers,
            ),
            (
                "  as ORM object (to change)",
                lambda n: admission_by_number(session, n),
                raw_admission,
                admission_numbers,
            ),
            (
                "year-to-date",
                lambda pid: year_to_date(session, pid, "lanxi", 2026),
                lambda pid: raw_year_to_date(raw, pid),
                settled,
            ),
        ]
        differ = [
            pid
            for pid in settled
            if not same_year_to_date(
                year_to_date(session, pid, "lanxi", 2026), raw_year_to_date(raw, pid)
            )
        ]
        if differ:
            print(
                f"year-to-date differs from the raw query for person {differ[0]}", file=sys.stderr
            )
            return 1
        print(f"year-to-date: the service and the raw query agree for all {len(settled)} people")
        print(f"{'look-up':<26}{'store µs':>10}{'raw µs':>10}{'ratio':>8}   ({len(sample)} each)")
        for label, through_store, through_raw, keys in pairs:
            baseline = timed(through_raw, keys)
            measured = timed(through_store, keys)
            per = 1e6 / len(keys)
            print(
                f"{label:<26}{measured * per:>10.1f}{baseline * per:>10.1f}"
                f"{measured / baseline:>7.1f}x"
            )
        for label, sql in (
            (
                "plan by name",
                "SELECT * FROM person WHERE id_number = 'x' OR (name >= 'x' AND name < 'y')",
            ),
            ("plan by admission number", "SELECT * FROM admission WHERE admission_number = 'x'"),
        ):
            plan = "; ".join(row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {sql}"))
            print(f"{label}: {plan}")
    raw.close()
    store.close()
    folder.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
