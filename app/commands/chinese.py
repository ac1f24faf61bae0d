"""argparse's own words in Chinese, so a mistyped command is answered in the language of every
other refusal of the command line (``缺少必需的参数：--period``, not "the following arguments
are required").

argparse looks its words up through ``gettext`` at the moment it speaks (its module globals
``_`` and ``ngettext``); a gettext catalog would follow the machine's locale, which a Windows
window computer does not set, so the lookup is given this table instead. A word it does not
hold (a later Python's new one) is left in English."""

import argparse

WORDS = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "show this help message and exit": "显示本帮助并退出",
    "show program's version number and exit": "显示版本号并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "invalid choice: %(value)r (choose from %(choices)s)": "不是可选的值：%(value)r（可选：%(choices)s）",
    "expected one argument": "后面须跟一个值",
    "expected at most one argument": "后面最多跟一个值",
    "expected at least one argument": "后面至少跟一个值",
    "expected %s argument": "后面须跟 %s 个值",
    "expected %s arguments": "后面须跟 %s 个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项不明确：%(option)s 可指 %(matches)s",
    "invalid %(type)s value: %(value)r": "不是有效的 %(type)s 值：%(value)r",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "one of the arguments %s is required": "须给出参数 %s 之一",
    "ignored explicit argument %r": "多余的参数值 %r",
    "unexpected option string: %s": "意外的选项：%s",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "没有命令 %(parser_name)r（可选：%(choices)s）",
}


def _word(message: str) -> str:
    return WORDS.get(message, message)


def _words(singular: str, plural: str, count: int) -> str:
    return _word(singular if count == 1 else plural)


def speak_chinese() -> None:
    argparse._ = _word
    argparse.ngettext = _words
