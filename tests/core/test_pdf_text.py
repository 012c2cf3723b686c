"""Text that fits its box in the PDF documents (core.pdf): wrapped, or cut with an ellipsis, in
time linear in the text (a receipt's reference of 20,000 characters once took 10 s)."""

from hypothesis import given, settings
from hypothesis import strategies as st
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth

from mutualis.core.pdf import ELLIPSIS, FONT, FONT_BOLD, fit_text, shorten, wrap_text

WIDTH = 138 * mm  # a receipt's facts


def fits(line: str, font: str = FONT, size: float = 10) -> bool:
    return stringWidth(line, font, size) <= WIDTH


def test_a_long_text_of_words_is_wrapped_whole_in_lines_that_fit():
    text = " ".join(f"ref{n:04d}" for n in range(2_500))  # 20,000 characters

    lines = wrap_text(text, FONT, 10, WIDTH, max_lines=1_000)

    assert " ".join(lines) == text
    assert all(fits(line) for line in lines)


def test_a_reference_of_20000_letters_is_cut_to_its_line_with_an_ellipsis():
    text = "R" * 20_000

    (line,) = wrap_text(text, FONT, 10, WIDTH, max_lines=3)

    assert fits(line) and line.endswith(ELLIPSIS)
    assert text.startswith(line.removesuffix(ELLIPSIS))
    assert not fits("R" + line)  # the longest beginning that fits


def test_a_long_text_cut_to_its_lines_keeps_its_beginning_and_says_it_was_cut():
    text = " ".join(["Diop"] * 5_000)

    lines = wrap_text(text, FONT, 10, WIDTH, max_lines=3)

    assert len(lines) == 3 and all(fits(line) for line in lines)
    shown = " ".join(lines).removesuffix(ELLIPSIS).rstrip()
    assert text.startswith(shown) and lines[-1].endswith(ELLIPSIS)


def test_a_title_of_20000_letters_is_cut_to_its_box_at_the_smallest_size():
    text, size = fit_text("R" * 20_000, FONT_BOLD, 15, WIDTH, 10)

    assert size == 10 and text.endswith(ELLIPSIS)
    assert stringWidth(text, FONT_BOLD, 10) <= WIDTH


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet="abcdeéWMil .,'-12", max_size=200),
    width=st.floats(min_value=5, max_value=300),
    size=st.sampled_from([7, 9, 10, 15]),
)
def test_shorten_keeps_the_longest_beginning_that_fits_with_its_ellipsis(text, width, size):
    short = shorten(text, FONT, size, width)

    if stringWidth(text, FONT, size) <= width:
        assert short == text
        return
    kept = short.removesuffix(ELLIPSIS)
    assert short.endswith(ELLIPSIS) and text.startswith(kept)
    assert not kept or stringWidth(short, FONT, size) <= width
    rest = text[len(kept) :]
    if rest.strip():  # the next letter would not fit
        following = len(kept) + len(rest) - len(rest.lstrip()) + 1
        assert stringWidth(text[:following] + ELLIPSIS, FONT, size) > width
