from django.urls import path

from mutualis.accounting import views

urlpatterns = [
    path("books/", views.books_home, name="books_home"),
    path("books/<int:pk>/", views.trial_balance, name="trial_balance"),
    path(
        "books/<int:pk>/trial-balance.xlsx",
        views.trial_balance_workbook,
        name="trial_balance_xlsx",
    ),
    path(
        "books/<int:pk>/trial-balance.pdf",
        views.trial_balance_document,
        name="trial_balance_pdf",
    ),
    path("books/<int:pk>/income/", views.income_statement, name="income_statement"),
    path("books/<int:pk>/journal/", views.journal, name="books_journal"),
    path("books/<int:pk>/ledger/", views.general_ledger, name="general_ledger"),
    path("books/<int:pk>/entries/new/", views.entry_new, name="entry_new"),
    path("books/<int:pk>/close/", views.month_close_view, name="month_close"),
    path("books/<int:pk>/balance-sheet/", views.balance_sheet, name="balance_sheet"),
    path("books/<int:pk>/close-year/", views.year_close_view, name="year_close"),
    path("books/<int:pk>/bank/", views.bank_statements, name="bank_statements"),
    path("books/bank/<int:pk>/", views.bank_statement, name="bank_statement"),
    path("books/<int:pk>/chart/", views.chart, name="books_chart"),
    path("books/<int:pk>/prudential/", views.prudential, name="prudential"),
    path("books/<int:pk>/statements/", views.statements_page, name="financial_statements"),
    path(
        "books/<int:pk>/statements.pdf",
        views.statements_document,
        name="financial_statements_pdf",
    ),
    path(
        "books/<int:pk>/statements.xlsx",
        views.statements_workbook,
        name="financial_statements_xlsx",
    ),
    path("books/<int:pk>/cash/", views.cash_book_view, name="cash_book"),
    path("books/cash/", views.cash_home, name="cash_home"),
    path("books/year/<int:pk>/reopen/", views.year_reopen_view, name="year_reopen"),
    path("books/piece/<int:pk>/", views.piece, name="entry_piece"),
]
