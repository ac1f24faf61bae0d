"""The shipped fonts and the character check that stands in for ReportLab's silent drops."""

import pytest

from app import fonts


def test_both_fonts_ship_with_their_licences():
    for path in fonts.font_paths():
        assert path.is_file() and path.stat().st_size > 100_000
        assert path.read_bytes()[:4] == b"\x00\x01\x00\x00"  # TrueType outlines, not CFF
    assert (fonts.fonts_dir() / "LICENSE-DroidSansFallback.txt").is_file()
    assert (fonts.fonts_dir() / "LICENSE-DejaVuSans.txt").is_file()


def test_digits_go_to_the_latin_font_and_chinese_to_the_cjk_font():
    assert fonts.font_runs("住院号 ZY-01（急）") == [
        (fonts.CJK, "住院号"),
        (fonts.LATIN, " ZY-01"),
        (fonts.CJK, "（急）"),
    ]


def test_a_text_of_printable_ascii_is_one_latin_run_as_each_character_would_say():
    every_ascii = "".join(chr(code) for code in range(0x20, 0x7F))
    assert {fonts.font_for(char) for char in every_ascii} == {fonts.LATIN}
    for text in ("370402199001011234", "1,234.56", every_ascii):
        assert fonts.font_runs(text) == [(fonts.LATIN, text)]
    assert fonts.font_runs("") == []
    # a control character is no printable text: checked one by one, and it has no glyph
    with pytest.raises(fonts.MissingGlyphError):
        fonts.font_runs("12\x0734")


def test_common_rare_name_characters_are_covered():
    # Characters seen in names that older fonts lack: 堃 镕 喆 赟 玥 珺 璟 龑 䶮 (Ext. A).
    assert fonts.missing_characters("堃镕喆赟玥珺璟龑䶮") == ()


def test_characters_outside_both_fonts_are_listed_once_each():
    assert fonts.missing_characters("𠮷𠮷张𪚥") == ("𠮷", "𪚥")


def test_check_fields_names_every_field_and_character():
    with pytest.raises(fonts.MissingGlyphError) as raised:
        fonts.check_fields({"患者姓名": "张𠮷", "家庭住址": "𪚥村", "诊断": "肺炎"})
    message = str(raised.value)
    assert "“患者姓名”中的字符“𠮷”（U+20BB7）" in message
    assert "“家庭住址”中的字符“𪚥”（U+2A6A5）" in message
    assert "诊断" not in message
