from django.http import HttpResponse
from django.utils.text import slugify


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    """A PDF shown in the browser (and saved under `filename` when downloaded)."""
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    """An Excel workbook to download."""
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def download_name(word: str, *parts: object, extension: str) -> str:
    """A file name in the user's language but plain ASCII (relevé → releve), which every
    browser reads from the Content-Disposition header."""
    return "-".join([slugify(word), *(str(part) for part in parts)]) + f".{extension}"
