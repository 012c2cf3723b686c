"""import_100k_seconds, import_vs_openpyxl_ratio: importing a register of 100,000 people.

A fresh migrated SQLite database gets a federation with one mutual (code MS1) and the CMU
package; a deterministic register of 100,000 people in about 20,000 households is written as
.xlsx with openpyxl's write-only mode. Then, in the same run:

- openpyxl alone reads the file (read_only=True, values_only=True, every row), twice: before and
  after the import;
- `python -m mutualis import-members FILE --mutual MS1` imports it, timed as a subprocess from
  start to end (Python's start-up included, nothing subtracted).

`import_vs_openpyxl_ratio` divides the import's time by the faster of the two reads: the
smaller the ratio, the less the import adds to reading the file. The same file is then imported
again: nothing may change (the counts of households, beneficiaries and search words), or the
benchmark fails.
"""

import datetime
import random
import re
import resource
import sqlite3
import time
from pathlib import Path

from openpyxl import Workbook, load_workbook

from bench import BenchError, Context, Result

PEOPLE = 100_000
MUTUAL = "MS1"
ENROLMENT_FROM = datetime.date(2024, 1, 1)
ENROLMENT_DAYS = 660  # until late 2025: every date is in the past

SETUP = """
import datetime
from mutualis.benefits.services import package_create, package_version_add
from mutualis.federation.rules import Kind
from mutualis.federation.services import organisation_create

national = organisation_create(
    by=None, kind=Kind.NATIONAL_UNION, parent=None, code="UN", name="Union nationale"
)
region = organisation_create(
    by=None, kind=Kind.REGIONAL_UNION, parent=national, code="R1", name="Union de Thiès"
)
department = organisation_create(
    by=None, kind=Kind.DEPARTMENTAL_UNION, parent=region, code="D1", name="Union de Mbour"
)
organisation_create(
    by=None, kind=Kind.MUTUAL, parent=department, code="MS1", name="Mutuelle de Joal",
    currency="XOF", mutual_type="community",
)
package = package_create(by=None, owner=national, code="CMU", name="Paquet de base CMU")
package_version_add(
    by=None, package=package, valid_from=datetime.date(2024, 1, 1), period="year",
    contribution=7000, registration_fee=1000,
)
"""

WOMEN = (  # noqa: SIM905
    "Awa Fatou Aminata Mariama Khady Aissatou Ndeye Coumba Binta Adama Astou Dieynaba Fanta "
    "Rokhaya Sokhna Seynabou Oumou Yacine Maimouna Ramatoulaye Penda Kine Nafissatou "
    "Safietou Bineta Khadija Arame Sira Mbayang Daba Ndella Marieme Soda Absa Anta Selbe "
    "Thioro Yande"
).split()
MEN = (  # noqa: SIM905
    "Moussa Mamadou Ibrahima Cheikh Abdoulaye Ousmane Modou Babacar Aliou Samba Lamine Pape "
    "Malick Serigne Alioune Omar Souleymane Assane Idrissa Mouhamed Boubacar Demba Saliou "
    "Amadou Djibril Youssou Bassirou Ismaila Massamba Ablaye Birame Doudou Khalifa Matar"
).split()
FAMILIES = (  # noqa: SIM905
    "Diop Ndiaye Fall Sow Ba Sy Diallo Gueye Faye Mbaye Ndoye Cisse Seck Kane Thiam Sarr "
    "Diouf Sene Niang Dieng Camara Toure Wade Mbengue Diagne Ka Tall Lo Badji Coly Sagna "
    "Mane Diatta Sane Goudiaby Ndour Ciss Dione Tine Ngom Senghor Loum Samb Gaye Mboup Kebe"
).split()
PLACES = (  # noqa: SIM905
    "Joal Fadial Mbour Nianing Thies Sandiara Ngueniene Palmarin Somone Saly"
).split()
SIZES = (1, 2, 3, 4, 5, 6, 7, 8, 9)
SIZE_WEIGHTS = (4, 8, 11, 14, 18, 16, 12, 9, 8)  # about 5 people per household
HEADERS = (  # noqa: SIM905
    "ref_menage lien nom prenom sexe date_naissance lieu_naissance num_identite telephone "
    "categorie date_adhesion code_paquet adresse"
).split()


def years_before(day: datetime.date, years: int, rng: random.Random) -> datetime.date:
    """A birth date making someone `years` old (full years) on `day`."""
    if (day.month, day.day) == (2, 29):
        day = day.replace(day=28)
    latest = day.replace(year=day.year - years)
    return latest - datetime.timedelta(days=rng.randrange(365))


def write_register(path: Path, people: int, seed: int = 1) -> int:
    """Writes the register and returns its number of households. Nobody appears twice (same
    names, sex and birth date), and every household follows the package's family rules."""
    rng = random.Random(seed)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Registre")
    sheet.append(HEADERS)
    seen: set[tuple] = set()
    written = households = 0

    def someone(sex: str, family: str, born: datetime.date) -> str:
        for first in rng.sample(WOMEN if sex == "F" else MEN, k=len(WOMEN if sex == "F" else MEN)):
            key = (" ".join(sorted(f"{first} {family}".lower().split())), sex, born)
            if key not in seen:
                seen.add(key)
                return first
        raise BenchError(f"no first name left for a {family} born on {born}")

    while written < people:
        size = min(rng.choices(SIZES, SIZE_WEIGHTS)[0], people - written)
        households += 1
        ref = f"R{households:05d}"
        family = rng.choice(FAMILIES)
        enrolled = ENROLMENT_FROM + datetime.timedelta(days=rng.randrange(ENROLMENT_DAYS))
        head_sex = rng.choice("MMMF")
        members = [("chef", head_sex, years_before(enrolled, rng.randint(22, 70), rng))]
        if size > 1 and rng.random() < 0.85:
            members.append(
                (
                    "conjoint",
                    "F" if head_sex == "M" else "M",
                    years_before(enrolled, rng.randint(20, 65), rng),
                )
            )
        if len(members) < size and rng.random() < 0.1:
            members.append(("parent", rng.choice("MF"), years_before(enrolled, 75, rng)))
        while len(members) < size:
            members.append(
                ("enfant", rng.choice("MF"), years_before(enrolled, rng.randint(0, 20), rng))
            )
        for index, (relationship, sex, born) in enumerate(members):
            first = someone(sex, family, born)
            adult = relationship != "enfant"
            head = index == 0
            sheet.append(
                [
                    ref,
                    relationship,
                    family,
                    first,
                    sex,
                    born,
                    rng.choice(PLACES),
                    f"{rng.randrange(10**12, 10**13)}" if adult else None,
                    f"+221 77 {rng.randrange(100, 1000)} {rng.randrange(10, 100)} "
                    f"{rng.randrange(10, 100)}"
                    if head
                    else None,
                    "indigent" if rng.random() < 0.03 else None,
                    enrolled if head else None,
                    "CMU" if head else None,
                    f"Quartier {rng.randrange(1, 40)}, {rng.choice(PLACES)}" if head else None,
                ]
            )
        written += size
    workbook.save(path)
    return households


def openpyxl_read_seconds(path: Path, rows: int) -> tuple[float, float]:
    """Wall and CPU seconds openpyxl takes to read every row of the file."""
    started, cpu = time.perf_counter(), time.process_time()
    workbook = load_workbook(path, read_only=True)
    count = sum(1 for _row in workbook.worksheets[0].iter_rows(values_only=True))
    workbook.close()
    elapsed = time.perf_counter() - started
    if count != rows:
        raise BenchError(f"openpyxl read {count} rows, not {rows}")
    return elapsed, time.process_time() - cpu


def children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def counts(database: Path) -> tuple[int, int, int]:
    with sqlite3.connect(database) as connection:
        return tuple(
            connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in (
                "membership_household",
                "membership_beneficiary",
                "membership_searchtoken",
            )
        )


def summary(output: str) -> tuple[int, int, int, int]:
    match = re.search(
        r"(\d+) households created, (\d+) beneficiaries created, (\d+) rows skipped as already "
        r"imported, (\d+) rows rejected",
        output,
    )
    if match is None:
        raise BenchError(f"no summary in the output of import-members:\n{output[-2000:]}")
    return tuple(int(number) for number in match.groups())


def run(ctx: Context) -> list[Result]:
    folder = ctx.scratch("import")
    database = folder / "import.sqlite3"
    url = ctx.sqlite_url(database)
    ctx.mutualis("migrate", "--noinput", "--verbosity", "0", database_url=url, var_dir=folder)
    ctx.mutualis("shell", "--command", SETUP, database_url=url, var_dir=folder)
    register = folder / "register.xlsx"
    households = write_register(register, PEOPLE)

    command = ("import-members", str(register), "--mutual", MUTUAL, "--language", "en")
    read_before, read_cpu_before = openpyxl_read_seconds(register, PEOPLE + 1)
    cpu = children_cpu_seconds()
    started = time.perf_counter()
    first = ctx.mutualis(*command, database_url=url, var_dir=folder)
    elapsed = time.perf_counter() - started
    import_cpu = children_cpu_seconds() - cpu
    read_after, read_cpu_after = openpyxl_read_seconds(register, PEOPLE + 1)

    if summary(first.stdout) != (households, PEOPLE, 0, 0):
        raise BenchError(f"the import did not create everything:\n{first.stdout[-2000:]}")
    written = counts(database)
    if written[:2] != (households, PEOPLE) or written[2] < 3 * PEOPLE:
        raise BenchError(f"the database holds {written}, not {households} households etc.")
    again = ctx.mutualis(*command, database_url=url, var_dir=folder)
    if summary(again.stdout) != (0, 0, PEOPLE, 0) or counts(database) != written:
        raise BenchError(f"importing the file again changed something:\n{again.stdout[-2000:]}")

    read = min(read_before, read_after)
    # CPU times too: on a machine shared with other work, wall times measure the contention.
    print(
        f"  {households} households, {PEOPLE} people; openpyxl read {read_before:.1f} s and "
        f"{read_after:.1f} s (CPU {read_cpu_before:.1f} s and {read_cpu_after:.1f} s); "
        f"import {elapsed:.1f} s (CPU {import_cpu:.1f} s)",
        flush=True,
    )
    return [
        Result("import_100k_seconds", round(elapsed, 1), "s", goal=60, better="lower"),
        Result("import_vs_openpyxl_ratio", round(elapsed / read, 2), "×", goal=3, better="lower"),
    ]
