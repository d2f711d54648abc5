"""Odd addresses on the board that used to answer 500."""

from tests.board.conftest import start, the_thread

HUGE = "1" + "0" * 21


def test_huge_numbers_in_a_thread_address_answer_a_page(board, people, client_of):
    ann = client_of(people["ann"])
    start(ann)
    thread = the_thread()
    assert ann.get(f"/board/t/{thread.id}-{thread.slug}?page={HUGE}").status_code == 200
    assert ann.get(f"/board/t/{thread.id}/reply?quote={HUGE}").status_code == 200
    assert ann.get(f"/board/t/{thread.id}/reply?quote=%C2%B2").status_code == 200


def test_unexpected_arguments_never_reach_url_for(board, people, client_of):
    ann = client_of(people["ann"])
    start(ann)
    thread = the_thread()
    extra = "endpoint=themes.home&_external=1&_anchor=x&values=1"
    assert ann.get(f"/board/t/{thread.id}-wrong-slug?{extra}").status_code == 301
    page = ann.get(f"/search?q=compact&{extra}")
    assert page.status_code == 200
    assert "_external" not in page.get_data(as_text=True)
