"""Numbers in words and with the Vietnamese decimal comma, as the report's text prints them."""

import pytest

from coordination.reports.words import decimal, number_words, percent, with_words


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "không"),
        (7, "bảy"),
        (10, "mười"),
        (11, "mười một"),
        (15, "mười lăm"),
        (21, "hai mươi mốt"),
        (25, "hai mươi lăm"),
        (97, "chín mươi bảy"),
        (105, "một trăm linh năm"),
        (110, "một trăm mười"),
        (1000, "một nghìn"),
        (1005, "một nghìn không trăm linh năm"),
        (2_000_021, "hai triệu không trăm hai mươi mốt"),
        (1_234_567, "một triệu hai trăm ba mươi bốn nghìn năm trăm sáu mươi bảy"),
    ],
)
def test_number_words(n, words):
    assert number_words(n) == words


def test_number_words_refuses_negative_numbers():
    with pytest.raises(ValueError):
        number_words(-1)


def test_figures_with_words_and_decimal_commas():
    assert with_words(97) == "97 (chín mươi bảy)"
    assert decimal(24000.0) == "24.000"
    assert decimal(37.5) == "37,5"
    assert decimal(3.0) == "3"
    assert percent(0.7567) == "75,7%"
    assert percent(None) == "—"
