"""Template helpers shared by every page."""

from flask import render_template_string, url_for


def test_templates_build_the_same_addresses_as_flask_wherever_the_app_is_mounted(app):
    template = "{{ url_for('board.category', slug='general') }} {{ url_for('static', filename='css/site.css') }}"
    for base_url in ("http://localhost/", "http://localhost/mounted/", "http://localhost/"):
        with app.test_request_context("/", base_url=base_url):
            expected = f"{url_for('board.category', slug='general')} {url_for('static', filename='css/site.css')}"
            assert render_template_string(template) == expected
            assert expected.startswith("/mounted/" if "mounted" in base_url else "/board/")


def test_unusual_addresses_are_built_the_usual_way(app):
    with app.test_request_context("/"):
        assert render_template_string("{{ url_for('board.index', _anchor='top') }}") == "/board#top"
        assert render_template_string("{{ url_for('board.index', _external=True) }}") == "http://127.0.0.1:5000/board"
        assert render_template_string("{{ url_for('board.category', slug='x', page=2) }}") == "/board/x?page=2"


def test_counts_read_as_people_say_them():
    from kb.platform.text import member_name, plural

    assert [plural(count, "post") for count in (0, 1, 2)] == ["0 posts", "1 post", "2 posts"]
    assert plural(3, "reply", "replies") == "3 replies"
    assert member_name(None) == "a former member"
    assert member_name(None, capitalised=True) == "A former member"
