"""The one escaping every CSV download uses: a cell that a spreadsheet would run stays text."""

import csv
import io

import pytest

from kb.platform.csv_export import csv_text, safe_cell


@pytest.mark.parametrize("value", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_a_cell_that_starts_like_a_formula_is_kept_as_text(value):
    assert safe_cell(value) == "'" + value


@pytest.mark.parametrize("value", ["Plain words", "A = B", "", "2004", "“Quoted”"])
def test_other_cells_are_left_alone(value):
    assert safe_cell(value) == value


def test_none_is_an_empty_cell_and_numbers_are_text():
    assert safe_cell(None) == "" and safe_cell(12) == "12"


@pytest.mark.parametrize("value", ["-1", "-10.0", "-0.25"])
def test_a_plain_negative_number_stays_a_number(value):
    assert safe_cell(value) == value


@pytest.mark.parametrize("value", ["-1+1", "-1.", "-.5*2", "-10.0\n=1", "-1e400"])
def test_a_minus_followed_by_anything_but_digits_is_still_text(value):
    assert safe_cell(value) == "'" + value


def test_every_cell_of_a_table_is_escaped_and_quoting_is_the_csv_modules():
    text = csv_text(["title", "note"], [["=cmd|' /C calc'!A0", 'comma, and "quotes"\nand a new line']])
    header, row = list(csv.reader(io.StringIO(text)))
    assert header == ["title", "note"]
    assert row == ["'=cmd|' /C calc'!A0", 'comma, and "quotes"\nand a new line']
