"""Markdown rendered server-side and sanitised: what a model or a user writes cannot inject."""

from __future__ import annotations

from django.template import Context, Template
from django.utils.safestring import SafeString

from apps.conversations.templatetags.documents import render_markdown


def test_markdown_becomes_html():
    html = render_markdown("# Heat\n\nCities are *warm* and **dense**.\n\n- one\n- two")
    assert html == (
        "<h1>Heat</h1>\n<p>Cities are <em>warm</em> and <strong>dense</strong>.</p>\n"
        "<ul>\n<li>one</li>\n<li>two</li>\n</ul>\n"
    )
    assert isinstance(html, SafeString)


def test_raw_html_in_the_text_is_shown_as_text_not_rendered():
    html = render_markdown("Hi <script>alert(1)</script> <b>bold</b>")
    assert "<script>" not in html
    assert "<b>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_javascript_or_data_link_is_not_a_link_and_others_get_a_safe_rel():
    for target in ("javascript:alert(1)", "data:text/html,x"):
        assert "<a" not in render_markdown(f"[click]({target})")
    html = render_markdown("[site](https://example.org)")
    assert html == (
        '<p><a href="https://example.org" rel="noopener noreferrer nofollow">site</a></p>\n'
    )


def test_an_image_is_not_kept():
    assert "<img" not in render_markdown("![x](https://example.org/x.png)")


def test_tables_are_rendered():
    html = render_markdown("| a | b |\n|---|--:|\n| 1 | 2 |")
    # The alignment markdown-it writes as a style attribute is not an allowed attribute.
    assert html == (
        "<table>\n<thead>\n<tr>\n<th>a</th>\n<th>b</th>\n</tr>\n</thead>\n"
        "<tbody>\n<tr>\n<td>1</td>\n<td>2</td>\n</tr>\n</tbody>\n</table>\n"
    )


def test_no_text_is_no_html():
    assert render_markdown("") == ""
    assert render_markdown(None) == ""  # type: ignore[arg-type]


def test_the_template_filter_renders_the_same_html():
    template = Template("{% load documents %}{{ text|markdown }}")
    assert template.render(Context({"text": "*hi*"})) == "<p><em>hi</em></p>\n"
