"""``python -m app settle``: the public contract for hospital systems.

Reads one claim as JSON (``--input FILE`` or stdin), writes the result JSON to stdout, exit 0.
Invalid input: exit 2, nothing on stdout, a Chinese message naming the field on stderr.
"""

import argparse
import json
import sys

EXIT_INVALID = 2


def register(subparsers) -> None:
    parser = subparsers.add_parser("settle", help="计算一笔救助（JSON 输入/输出）")
    parser.add_argument("--input", metavar="FILE", help="claim JSON 文件（默认读标准输入）")
    parser.set_defaults(func=run)


def _read(source: str | None) -> str:
    if source is None:
        return sys.stdin.read()
    with open(source, encoding="utf-8") as handle:
        return handle.read()


def run(args: argparse.Namespace) -> int:
    from app.policy import PolicyLoadError, load_policies
    from app.settlement import ClaimError, read_claim_json, settle_json

    try:
        text = _read(args.input)
    except (OSError, UnicodeDecodeError) as exc:
        print(f"输入错误：无法读取 {args.input}：{exc}", file=sys.stderr)
        return EXIT_INVALID
    try:
        data = read_claim_json(text)
    except ClaimError as exc:
        print(f"输入错误：{exc}", file=sys.stderr)
        return EXIT_INVALID
    try:
        policies = load_policies()
    except PolicyLoadError as exc:
        print(f"政策文件有误，无法结算：\n{exc}", file=sys.stderr)
        return 1
    try:
        result = settle_json(data, policies)
    except ClaimError as exc:
        print(f"输入错误：{exc}", file=sys.stderr)
        return EXIT_INVALID
    json.dump(result, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")
    return 0
