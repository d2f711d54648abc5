"""Which page of a list is shown: one rule for every list on the site (kb/platform/pagination.py)."""

from kb.platform.pagination import window


def test_a_page_asked_for_beyond_either_end_is_the_nearest_real_one():
    assert (window(45, 2, 20).number, window(45, 2, 20).pages, window(45, 2, 20).offset) == (2, 3, 20)
    assert window(45, 99, 20).number == 3 and window(45, 99, 20).offset == 40
    assert window(45, -5, 20).number == 1 and window(45, 0, 20).offset == 0


def test_an_empty_list_has_one_empty_page_and_a_full_last_page_no_extra():
    assert (window(0, 3, 20).number, window(0, 3, 20).pages) == (1, 1)
    assert window(40, 3, 20).pages == 2 and window(41, 3, 20).pages == 3
