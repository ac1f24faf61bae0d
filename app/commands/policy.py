"""``python -m app policy check FILE`` and ``python -m app policy test [ID]``."""

import argparse
import sys
from pathlib import Path

from app.commands.policy_approval import add_approval_actions


def register(subparsers) -> None:
    parser = subparsers.add_parser("policy", help="检查政策文件、运行政策测试用例")
    actions = parser.add_subparsers(dest="policy_action", metavar="操作", required=True)
    check = actions.add_parser("check", help="校验一个政策文件")
    check.add_argument("file", type=Path)
    check.set_defaults(func=run_check)
    test = actions.add_parser("test", help="运行 policies/tests/ 中的测试用例")
    test.add_argument("policy_id", nargs="?", metavar="ID")
    test.set_defaults(func=run_test)
    add_approval_actions(actions)


def run_check(args: argparse.Namespace) -> int:
    from app.policy import PolicyLoadError, load_policy_file

    if not args.file.is_file():
        print(f"找不到文件：{args.file}", file=sys.stderr)
        return 2
    try:
        policy = load_policy_file(args.file)
    except PolicyLoadError as exc:
        print(f"政策文件有 {len(exc.errors)} 处错误：", file=sys.stderr)
        for error in exc.errors:
            print(f"  {error}", file=sys.stderr)
        return 1
    versions = "、".join(str(v.effective_from) for v in policy.definition.versions)
    print(f"{args.file}: 通过（{policy.definition.title}，版本 {versions}）")
    return 0


def run_test(args: argparse.Namespace) -> int:
    from app.policy import PolicyLoadError, load_policies
    from app.settlement.cases import load_cases, run_case

    try:
        policies = load_policies()
    except PolicyLoadError as exc:
        print(f"政策文件有误：\n{exc}", file=sys.stderr)
        return 1
    if args.policy_id and args.policy_id not in policies:
        print(f"没有编号为“{args.policy_id}”的政策", file=sys.stderr)
        return 2
    cases = load_cases(args.policy_id)
    failed = 0
    for case in cases:
        outcome = run_case(case, policies)
        mark = "通过" if outcome.passed else "失败"
        print(f"[{mark}] {case.policy}: {case.name}")
        for difference in outcome.differences:
            print(f"        {difference}")
        failed += not outcome.passed
    print(f"{len(cases) - failed} passed, {failed} failed")
    return 1 if failed or not cases else 0
