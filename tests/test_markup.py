"""Markdown is rendered with only the allowed elements, whatever the source holds."""

from kb.platform.markup import render_markdown


def test_allowed_markdown_renders():
    html = render_markdown("## Heading\n\n- **bold** and *em*\n\n> quote\n\n`code`\n\n| a | b |\n|---|---|\n| 1 | 2 |")
    for fragment in (
        "<h2>Heading</h2>",
        "<strong>bold</strong>",
        "<em>em</em>",
        "<blockquote>",
        "<code>code</code>",
        "<table>",
        "<td>1</td>",
    ):
        assert fragment in html


def test_anything_else_is_removed_or_escaped():
    html = render_markdown("---\n\n<b>raw</b>\n\n![image](https://example.org/a.png)")
    assert "<hr" not in html and "<b>" not in html and "<img" not in html
    assert "&lt;b&gt;raw&lt;/b&gt;" in html


def test_headings_move_one_level_down_for_a_page_that_titles_the_text_itself():
    from kb.platform.markup import headings_one_level_down, render_markdown

    html = render_markdown("# Top\n\n## Context\n\n###### Deepest\n\nText with <h2> written out.")
    moved = str(headings_one_level_down(html))
    assert "<h3>Top</h3>" in moved and "<h3>Context</h3>" in moved and "<h6>Deepest</h6>" in moved
    assert "<h2" not in moved and "&lt;h2&gt;" in moved  # typed markup stays text
