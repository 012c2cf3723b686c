"""The books' pages: the trial balance of a mutual or of a union (with its Excel file), the
income statement, the journals, an entry by hand and closing a month."""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from openpyxl import load_workbook

from mutualis.accounting.documents import trial_balance_pdf
from mutualis.accounting.models import BankStatement, ClosedMonth, ClosedYear, Entry
from mutualis.accounting.queries import trial_balance
from mutualis.contributions.services import payment_record
from mutualis.core.pdf import extract_text
from mutualis.federation.rules import Role
from tests.accounting.test_bank import CSV, state_paid  # noqa: F401 - the State paid by transfer
from tests.accounting.test_posting import MEMBER_2025, post

D = datetime.date
YEAR = {"year": 2025}


def signed_in(client, cast, role):
    client.force_login(cast[role])
    return client


def paid(family):
    payment_record(
        by=None,
        household=family,
        amount=1000 + MEMBER_2025,
        method="cash",
        received_on=D(2025, 1, 10),
    )
    post()


def test_the_menu_opens_the_books_of_the_user_s_organisation(client, cast, federation):
    answer = signed_in(client, cast, Role.ACCOUNTANT).get("/books/")
    assert answer.status_code == 200 and answer.context["organisation"] == federation.m1
    assert signed_in(client, cast, Role.CASHIER).get("/books/").status_code == 403


def test_the_trial_balance_shows_each_account_and_balanced_totals(client, cast, federation, family):
    paid(family)
    page = signed_in(client, cast, Role.ACCOUNTANT).get(f"/books/{federation.m1.pk}/", YEAR)

    assert page.status_code == 200
    numbers = [b.account.number for b in page.context["balances"]]
    assert numbers == ["571", "701", "706"]
    assert page.context["debits"] == page.context["credits"] == 1000 + MEMBER_2025
    text = page.content.decode()
    assert "Caisse" in text and "Droits d’adhésion" in text


def test_a_union_s_trial_balance_sums_its_mutuals_and_links_to_each(
    client, cast, federation, family
):
    paid(family)
    page = signed_in(client, cast, Role.UNION_OFFICER).get(f"/books/{federation.d1.pk}/", YEAR)

    assert page.context["consolidated"] and page.context["debits"] == 1000 + MEMBER_2025
    assert f"/books/{federation.m1.pk}/?year=2025" in page.content.decode()


def test_the_trial_balance_workbook_holds_numbers_and_no_formula(client, cast, federation, family):
    paid(family)
    answer = signed_in(client, cast, Role.ACCOUNTANT).get(
        f"/books/{federation.m1.pk}/trial-balance.xlsx", YEAR
    )
    sheet = load_workbook(io.BytesIO(answer.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[2] == ("571", "Caisse", 1000 + MEMBER_2025, 0, 1000 + MEMBER_2025, 0)
    assert rows[-1][2] == rows[-1][3] == 1000 + MEMBER_2025
    assert not any(
        isinstance(value, str) and value.startswith("=") for row in rows for value in row
    )


def test_the_income_statement_and_the_journal_show_what_was_posted(
    client, cast, federation, family
):
    paid(family)
    client = signed_in(client, cast, Role.MUTUAL_MANAGER)

    statement = client.get(f"/books/{federation.m1.pk}/income/", YEAR).context["statement"]
    assert statement.result == 1000 + MEMBER_2025
    journal = client.get(f"/books/{federation.m1.pk}/journal/", YEAR | {"journal": "CA"})
    (entry,) = journal.context["page"]
    assert entry.label == "Reçu n° 2025-000001"


def test_an_accountant_records_an_entry_and_a_wrong_one_is_shown_back(client, cast, federation):
    client = signed_in(client, cast, Role.ACCOUNTANT)
    url = f"/books/{federation.m1.pk}/entries/new/"
    form = {
        "journal": "CA",
        "date": "05/03/2025",
        "label": "Loyer de mars",
        "reference": "Quittance 12",
        "lines.0.account": "622",
        "lines.0.debit": "25000",
        "lines.1.account": "571",
        "lines.1.credit": "20000",
    }
    refused = client.post(url, form)
    assert refused.status_code == 200 and not Entry.objects.exists()
    assert "n’est pas équilibrée" in refused.content.decode()

    answer = client.post(url, form | {"lines.1.credit": "25000"})
    assert answer.status_code == 302
    assert Entry.objects.get().label == "Loyer de mars"
    assert signed_in(client, cast, Role.CASHIER).get(url).status_code == 403


def test_an_accountant_closes_a_month_that_is_over(client, cast, federation):
    client = signed_in(client, cast, Role.ACCOUNTANT)
    page = client.get(f"/books/{federation.m1.pk}/", {"year": 2025, "month": 3})
    assert page.context["may_close"]

    answer = client.post(f"/books/{federation.m1.pk}/close/", {"month": "01/03/2025"})
    assert answer.status_code == 302
    assert ClosedMonth.objects.get().month == D(2025, 3, 1)
    page = client.get(f"/books/{federation.m1.pk}/", {"year": 2025, "month": 3})
    assert page.context["closed"] and not page.context["may_close"]
    this_month = timezone.localdate().replace(day=1)
    refused = client.post(
        f"/books/{federation.m1.pk}/close/", {"month": this_month.strftime("%d/%m/%Y")}
    )
    assert refused.status_code == 200 and "une fois terminé" in refused.content.decode()
    assert ClosedMonth.objects.count() == 1


def test_the_accountant_prints_the_trial_balance_of_a_closed_month(
    client, cast, federation, family
):
    paid(family)
    client = signed_in(client, cast, Role.ACCOUNTANT)
    client.post(f"/books/{federation.m1.pk}/close/", {"month": "01/01/2025"})
    answer = client.get(f"/books/{federation.m1.pk}/trial-balance.pdf", {"year": 2025, "month": 1})

    assert answer["Content-Type"] == "application/pdf" and answer.content.startswith(b"%PDF")
    text = extract_text(
        trial_balance_pdf(
            federation.m1,
            D(2025, 1, 1),
            D(2025, 1, 31),
            trial_balance(federation.m1, D(2025, 1, 1), D(2025, 1, 31)),
            closed=True,
            compress=False,
        )
    )
    assert "Balance, du 01/01/2025 au 31/01/2025" in text
    assert "571" in text and "Caisse" in text and "Total\n14 652\n14 652" in text
    assert "Le mois est clôturé" in text


def test_a_receipt_s_page_shows_its_entry_to_those_who_read_the_books(
    client, cast, federation, family
):
    paid(family)
    payment = family.payments.get()
    page = signed_in(client, cast, Role.ACCOUNTANT).get(f"/payments/{payment.pk}/")
    text = page.content.decode()
    assert "Dans la comptabilité" in text and "571 Caisse" in text

    page = signed_in(client, cast, Role.CASHIER).get(f"/payments/{payment.pk}/")
    assert page.status_code == 200 and "Dans la comptabilité" not in page.content.decode()


def test_the_accountant_closes_a_year_and_reads_its_balance_sheet(client, cast, federation, family):
    paid(family)
    client = signed_in(client, cast, Role.ACCOUNTANT)
    page = client.get(f"/books/{federation.m1.pk}/", YEAR)
    assert page.context["may_close_year"]

    answer = client.post(f"/books/{federation.m1.pk}/close-year/", YEAR)
    assert answer.status_code == 302
    sheet = client.get(f"/books/{federation.m1.pk}/balance-sheet/", YEAR)
    assert sheet.context["closed"] and sheet.context["sheet"].total_assets == 1000 + MEMBER_2025
    assert "Bilan à la fin de 2025" in sheet.content.decode()
    again = client.post(f"/books/{federation.m1.pk}/close-year/", YEAR)
    assert again.status_code == 200 and "déjà clôturé" in again.content.decode()


def test_the_accountant_imports_a_statement_and_confirms_the_proposed_matches(
    client,
    cast,
    federation,
    state_paid,  # noqa: F811
):
    client = signed_in(client, cast, Role.ACCOUNTANT)
    upload = SimpleUploadedFile("releve.csv", CSV, content_type="text/csv")
    answer = client.post(f"/books/{federation.m1.pk}/bank/", {"account": "521", "file": upload})
    statement = BankStatement.objects.get()
    assert answer.status_code == 302 and answer.url == f"/books/bank/{statement.pk}/"

    page = client.get(answer.url)
    assert page.context["proposals"] == 1
    assert "Proposé\u00a0: Reçu n° 2025-000001, 01/03/2025" in page.content.decode()
    client.post(answer.url, {"action": "match"})
    assert statement.lines.get(amount=13656).matched is not None
    page = client.get(answer.url)
    assert page.context["proposals"] == 0
    assert [line.amount for line, _m, _p in page.context["rows"] if not line.matched_id] == [-1500]


def test_a_union_officer_changes_an_operation_s_account_from_the_chart_s_page(
    client, cast, federation
):
    client = signed_in(client, cast, Role.UNION_OFFICER)
    url = f"/books/{federation.d1.pk}/chart/"
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    client.post(
        url,
        {
            "form": "account",
            "account-number": "5511",
            "account-label_fr": "Wave",
            "account-label_en": "Wave",
        },
    )
    refused = client.post(
        url,
        {
            "form": "mapping",
            "mapping-operation": "cash.mobile_money",
            "mapping-account_number": "701",
            "mapping-valid_from": tomorrow.strftime("%d/%m/%Y"),
        },
    )
    assert "classe 5" in refused.content.decode()
    client.post(
        url,
        {
            "form": "mapping",
            "mapping-operation": "cash.mobile_money",
            "mapping-account_number": "5511",
            "mapping-valid_from": tomorrow.strftime("%d/%m/%Y"),
        },
    )
    page = client.get(f"/books/{federation.m1.pk}/chart/")
    (mobile,) = [row for row in page.context["mappings"] if row.operation == "cash.mobile_money"]
    assert (mobile.account.number, mobile.next_change.account.number) == ("551", "5511")
    assert not page.context["may_edit"]  # a mutual's chart is its unions'


PDF_PIECE = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def test_an_entry_keeps_its_scanned_piece_and_a_file_that_is_no_piece_is_refused(
    client, cast, federation
):
    client = signed_in(client, cast, Role.ACCOUNTANT)
    url = f"/books/{federation.m1.pk}/entries/new/"
    form = {
        "journal": "CA",
        "date": "05/03/2025",
        "label": "Carburant",
        "reference": "BC-7",
        "cashier": str(cast[Role.CASHIER].uid),
        "lines.0.account": "624",
        "lines.0.debit": "2500",
        "lines.1.account": "571",
        "lines.1.credit": "2500",
    }
    disguised = SimpleUploadedFile("facture.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    refused = client.post(url, form | {"piece": disguised})
    assert refused.status_code == 200 and not Entry.objects.exists()
    assert "PDF, PNG ou JPEG" in refused.content.decode()

    scan = SimpleUploadedFile("facture.pdf", PDF_PIECE, "application/pdf")
    assert client.post(url, form | {"piece": scan}).status_code == 302
    entry = Entry.objects.get()
    assert entry.lines.get(credit=2500).party == cast[Role.CASHIER].uid
    journal = client.get(f"/books/{federation.m1.pk}/journal/", YEAR)
    piece = entry.pieces.get()
    assert f"/books/piece/{piece.pk}/" in journal.content.decode()
    shown = client.get(f"/books/piece/{piece.pk}/")
    assert shown["Content-Type"] == "application/pdf" and shown.content == PDF_PIECE
    assert shown["Content-Security-Policy"] == "sandbox"
    assert signed_in(client, cast, Role.CASHIER).get(f"/books/piece/{piece.pk}/").status_code == 403


def test_the_statements_show_each_table_beside_the_year_before_on_screen_in_pdf_and_excel(
    client, cast, federation, family
):
    paid(family)
    client = signed_in(client, cast, Role.ACCOUNTANT)
    url = f"/books/{federation.m1.pk}/statements/"
    simplified = client.get(url, YEAR)
    titles = [t.title for t in simplified.context["statements"].tables]
    assert titles == ["Bilan", "Compte de résultat"]
    normal = client.get(url, YEAR | {"system": "normal"})
    found = normal.context["statements"]
    assert [t.title for t in found.tables] == [
        "Bilan",
        "Compte de résultat",
        "Tableau des flux de trésorerie",
    ]
    assert "Trésorerie à la fin" in normal.content.decode()

    document = client.get(f"/books/{federation.m1.pk}/statements.pdf", YEAR | {"system": "normal"})
    assert document["Content-Type"] == "application/pdf" and document.content.startswith(b"%PDF")
    workbook = load_workbook(
        io.BytesIO(client.get(f"/books/{federation.m1.pk}/statements.xlsx", YEAR).content)
    )
    assert workbook.sheetnames == ["Bilan", "Compte de résultat", "Notes annexes"]
    cells = [c for row in workbook["Bilan"].iter_rows() for c in row if c.value is not None]
    assert 1000 + MEMBER_2025 in [c.value for c in cells]
    assert not [c for c in cells if c.data_type == "f"]


def test_the_cashier_counts_their_box_from_the_menu_and_sees_only_their_own(
    client, cast, federation, family
):
    today = timezone.localdate()
    payment_record(
        by=cast[Role.CASHIER], household=family, amount=7000, method="cash", received_on=today
    )
    post()
    client = signed_in(client, cast, Role.CASHIER)
    page = client.get("/books/cash/")
    assert page.status_code == 200 and page.context["book"].closing == 7000
    assert next(c[0] for c in page.context["form"].fields["cashier"].choices) == str(
        cast[Role.CASHIER].uid
    )
    refused = client.post("/books/cash/", {"counted": "6500", "explanation": ""})
    assert refused.status_code == 200 and "expliquez" in refused.content.decode().lower()
    assert (
        client.post("/books/cash/", {"counted": "6500", "explanation": "Pièce fausse"}).status_code
        == 302
    )
    page = client.get("/books/cash/")
    assert page.context["book"].closing == 6500 and page.context["count_form"] is None

    too_much = client.post(
        "/books/cash/", {"action": "hand over", "taker": "safe", "amount": "7000"}
    )
    assert too_much.status_code == 200 and "ne peut en remettre plus" in too_much.content.decode()
    handed = {"action": "hand over", "taker": "safe", "amount": "6000", "note": "Versement"}
    assert client.post("/books/cash/", handed).status_code == 302
    assert client.get("/books/cash/").context["book"].closing == 500


def test_the_union_reopens_a_closed_year_from_its_balance_sheet(client, cast, federation, family):
    paid(family)
    signed_in(client, cast, Role.ACCOUNTANT).post(f"/books/{federation.m1.pk}/close-year/", YEAR)
    closed = ClosedYear.objects.get()
    accountant = client.get(f"/books/{federation.m1.pk}/balance-sheet/", YEAR)
    assert accountant.context["reopen_form"] is None
    assert client.post(f"/books/year/{closed.pk}/reopen/", {"reason": "x"}).status_code == 403

    client = signed_in(client, cast, Role.UNION_OFFICER)
    sheet = client.get(f"/books/{federation.m1.pk}/balance-sheet/", YEAR)
    assert sheet.context["reopen_form"] is not None
    assert client.post(f"/books/year/{closed.pk}/reopen/", {"reason": ""}).status_code == 200
    answer = client.post(f"/books/year/{closed.pk}/reopen/", {"reason": "Loyer oublié"})
    assert answer.status_code == 302
    closed.refresh_from_db()
    assert closed.reopen_reason == "Loyer oublié"


def test_the_general_ledger_shows_an_account_s_movements_from_its_balance_brought_forward(
    client, cast, federation, family
):
    paid(family)
    payment_record(by=None, household=family, amount=700, method="cash", received_on=D(2025, 2, 3))
    post()
    client = signed_in(client, cast, Role.ACCOUNTANT)
    url = f"/books/{federation.m1.pk}/ledger/"
    february = client.get(url, {"year": 2025, "month": 2, "account": "571"})
    book = february.context["book"]
    assert (book.opening, book.debits, book.closing) == (
        1000 + MEMBER_2025,
        700,
        1700 + MEMBER_2025,
    )
    assert [m.balance for m in book.movements] == [1700 + MEMBER_2025]
    year = client.get(url, YEAR | {"account": "70"}).context["book"]  # a heading: its accounts
    assert (year.opening, year.credits) == (
        0,
        1000 + MEMBER_2025 + (700 if year.credits > 1000 + MEMBER_2025 else 0),
    )
    unknown = client.get(url, YEAR | {"account": "999"})
    assert (
        unknown.context["book"] is None
        and "999" in unknown.context["form"].errors["account"][0]
        and "999" in unknown.content.decode()
    )


def test_the_statements_and_the_trial_balance_read_any_period_from_a_day_until_another(
    client, cast, federation, family
):
    paid(family)  # on 10 January 2025
    client = signed_in(client, cast, Role.ACCOUNTANT)
    url = f"/books/{federation.m1.pk}/"
    around = client.get(url, {"start": "05/01/2025", "end": "15/01/2025"})
    assert (around.context["start"], around.context["end"]) == (D(2025, 1, 5), D(2025, 1, 15))
    assert around.context["debits"] == 1000 + MEMBER_2025
    assert not around.context["may_close"] and not around.context["may_close_year"]
    after = client.get(url, {"start": "11/01/2025", "end": "15/03/2025"})
    assert after.context["debits"] == 0
    found = client.get(
        f"/books/{federation.m1.pk}/statements/", {"start": "05/01/2025", "end": "15/01/2025"}
    ).context["statements"]
    assert (found.previous_start, found.previous_end) == (D(2024, 1, 5), D(2024, 1, 15))
    backwards = client.get(url, {"start": "15/01/2025", "end": "05/01/2025"})
    assert "La période se termine avant de commencer" in backwards.content.decode()
    half = client.get(url, {"start": "15/01/2025"})
    assert "les deux jours" in half.content.decode()


def test_a_piece_too_heavy_is_refused_without_being_read_whole(client, cast, federation):
    client = signed_in(client, cast, Role.ACCOUNTANT)
    heavy = SimpleUploadedFile("scan.pdf", PDF_PIECE + b"0" * (5 * 1024 * 1024), "application/pdf")
    refused = client.post(
        f"/books/{federation.m1.pk}/entries/new/",
        {
            "journal": "OD",
            "date": "05/03/2025",
            "label": "Impression des cartes",
            "lines.0.account": "605",
            "lines.0.debit": "900",
            "lines.1.account": "521",
            "lines.1.credit": "900",
            "piece": heavy,
        },
    )
    assert refused.status_code == 200 and "plus de 5 Mo" in refused.content.decode()
    assert not Entry.objects.exists()
