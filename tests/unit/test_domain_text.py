"""User text is data: control characters, ANSI escapes and bidi overrides are stripped,
lengths are capped, and markup-looking text is kept verbatim."""

from __future__ import annotations

import pytest

from iterate_tui.domain import text
from iterate_tui.domain.errors import ValidationError

ESC = "\x1b"


class TestCleanLine:
    def test_ansi_escape_loses_its_escape_character(self) -> None:
        cleaned = text.clean_line(f"{ESC}[31mred{ESC}[0m title")
        assert ESC not in cleaned
        # What is left is harmless printable text, kept as data.
        assert cleaned == "[31mred[0m title"

    @pytest.mark.parametrize("cp", [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)])
    def test_c0_controls_are_removed(self, cp: int) -> None:
        assert text.clean_line(f"a{chr(cp)}b") == "ab"

    @pytest.mark.parametrize("cp", range(0x80, 0xA0))
    def test_c1_controls_are_removed(self, cp: int) -> None:
        # 0x9B is the one-byte CSI: "\x9b31m" would start an escape sequence on its own.
        assert text.clean_line(f"a{chr(cp)}b") == "ab"

    def test_del_is_removed(self) -> None:
        assert text.clean_line("a\x7fb") == "ab"

    @pytest.mark.parametrize(
        "cp", [0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069, 0x061C]
    )
    def test_bidi_overrides_and_isolates_are_removed(self, cp: int) -> None:
        assert text.clean_line(f"abc{chr(cp)}def") == "abcdef"

    def test_right_to_left_override_cannot_flip_the_line(self) -> None:
        # The classic "evil filename" trick: U+202E then reversed text.
        assert text.clean_line("report\u202egpj.exe") == "reportgpj.exe"

    def test_newline_and_tab_become_spaces_in_a_single_line(self) -> None:
        assert text.clean_line("two\nlines\tand tab") == "two lines and tab"

    def test_carriage_return_is_dropped(self) -> None:
        assert text.clean_line("a\r\nb") == "a b"

    def test_outer_whitespace_is_trimmed(self) -> None:
        assert text.clean_line("   padded  ") == "padded"

    @pytest.mark.parametrize(
        "markup", ["[bold red]x[/]", "[/]", "[link=https://example.com]x[/link]", "[@click=quit]"]
    )
    def test_markup_is_kept_verbatim(self, markup: str) -> None:
        assert text.clean_line(markup) == markup
        assert text.title(markup) == markup

    def test_unicode_letters_and_emoji_are_kept(self) -> None:
        assert text.clean_line("Übersetzung 日本語 ✓ 🚀") == "Übersetzung 日本語 ✓ 🚀"


class TestCleanMultiline:
    def test_keeps_newlines_and_tabs(self) -> None:
        assert text.clean_multiline("line 1\n\tline 2") == "line 1\n\tline 2"

    def test_crlf_becomes_lf(self) -> None:
        assert text.clean_multiline("a\r\nb") == "a\nb"

    def test_strips_escapes_c1_del_and_bidi(self) -> None:
        raw = f"{ESC}[1mbold{ESC}[0m\n\x9b2J\x7f\u202eend"
        assert text.clean_multiline(raw) == "[1mbold[0m\n2Jend"

    def test_note_keeps_markup_verbatim(self) -> None:
        assert text.note("[bold]x[/bold]\n[/]", "notes") == "[bold]x[/bold]\n[/]"


class TestSafeForDisplay:
    def test_removes_controls_but_does_not_trim(self) -> None:
        assert text.safe_for_display(f" a{ESC}[2Jb\u202e ") == " a[2Jb "

    def test_newline_becomes_space(self) -> None:
        assert text.safe_for_display("a\nb") == "a b"


class TestTitle:
    def test_required(self) -> None:
        with pytest.raises(ValidationError) as info:
            text.title("   ")
        assert info.value.field == "title"
        assert "empty" in str(info.value)

    def test_only_control_characters_is_empty(self) -> None:
        with pytest.raises(ValidationError, match="title"):
            text.title(f"{ESC}\x07\u202e")

    def test_limit_is_inclusive(self) -> None:
        assert text.title("x" * text.TITLE_MAX) == "x" * text.TITLE_MAX

    def test_over_the_limit_names_the_field_and_the_limit(self) -> None:
        with pytest.raises(ValidationError) as info:
            text.title("x" * (text.TITLE_MAX + 1), field="name")
        assert info.value.field == "name"
        assert "201" in str(info.value) and "200" in str(info.value)

    def test_limit_counts_characters_after_cleaning(self) -> None:
        raw = "x" * text.TITLE_MAX + ESC * 50 + "\u202e" * 10
        assert text.title(raw) == "x" * text.TITLE_MAX

    def test_limits_are_the_documented_ones(self) -> None:
        assert (text.TITLE_MAX, text.LINE_MAX, text.NOTE_MAX) == (200, 2_000, 100_000)


class TestLineAndNote:
    def test_line_may_be_empty(self) -> None:
        assert text.line("  ", "answer") == ""

    def test_line_limit(self) -> None:
        assert text.line("y" * text.LINE_MAX, "answer") == "y" * text.LINE_MAX
        with pytest.raises(ValidationError) as info:
            text.line("y" * (text.LINE_MAX + 1), "answer")
        assert info.value.field == "answer"

    def test_line_custom_limit(self) -> None:
        with pytest.raises(ValidationError, match="limit is 5"):
            text.line("abcdef", "short", limit=5)

    def test_note_limit(self) -> None:
        assert len(text.note("n" * text.NOTE_MAX, "notes")) == text.NOTE_MAX
        with pytest.raises(ValidationError) as info:
            text.note("n" * (text.NOTE_MAX + 1), "notes")
        assert info.value.field == "notes"


def test_direction_marks_and_unicode_line_separators() -> None:
    from iterate_tui.domain.text import clean_line, clean_multiline

    assert clean_line("left\u200eright\u200fend") == "leftrightend"
    assert clean_line("one\u2028two\u2029three") == "one two three"
    assert clean_multiline("one\u2028two") == "one\ntwo"
