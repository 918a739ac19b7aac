"""`python -m portal users …`: create and administer staff accounts from the server's shell.

The password is read from a hidden prompt (or the first line of stdin when piped), never from
an argument, so it does not end up in shell history or the process list."""

from __future__ import annotations

import argparse
import getpass
import sys

from portal.cli_core import database_work
from portal.field_errors import ValidationFailed
from portal.identity import Actor
from portal.roles import ADMIN, ROLES
from portal.staff import accounts

# Whoever has a shell on the server can already read the database: the CLI acts as 管理员.
CLI_ACTOR = Actor("cli", frozenset({ADMIN}))


def read_password(prompt: str = "密码：") -> str:
    if sys.stdin.isatty():
        first = getpass.getpass(prompt)
        if getpass.getpass("再输入一次：") != first:
            raise SystemExit("两次输入的密码不一致。")
        return first
    return sys.stdin.readline().rstrip("\r\n")


def _run(action) -> int:
    """`action(session)` in one transaction; its message printed once committed. On a new
    installation `setup` comes first: it creates the database (a mistyped setting would otherwise
    put the first administrator into a new, empty one nobody signs in to)."""
    try:
        message = database_work(action, failed="没有完成：数据库正忙或无法连接（{cause}），没有做任何改动，请稍后再运行。")
    except ValidationFailed as failure:
        for error in failure.errors:
            print(f"错误 {error.field}: {error.message}", file=sys.stderr)
        return 2
    if message:
        print(message)
    return 0


def _no_role(args: argparse.Namespace) -> bool:
    """True (said on stderr) when no --role was given: an account without one can sign in and open
    no page of its work; on the command line that is a forgotten --role, not a choice (账号管理 on
    the 工作台 shows the empty choice, and `users disable` takes an account out of use)."""
    if args.role:
        return False
    print(f"没有给角色：请用 --role 指定至少一个角色（可以重复，可选：{'、'.join(ROLES)}），"
          "例如 --role 办理。要让账号不能再用，用 `users disable`。没有做任何改动。", file=sys.stderr)
    return True


def _add(args: argparse.Namespace) -> int:
    if _no_role(args):
        return 2
    password = read_password()
    return _run(lambda s: (accounts.create_user(session=s, actor=CLI_ACTOR, username=args.username,
                                                password=password, roles=args.role),
                           f"已创建账号 {args.username}，角色：{'、'.join(args.role)}")[1])


def _list(_args: argparse.Namespace) -> int:
    def show(session) -> str:
        rows = accounts.list_users(session=session, actor=CLI_ACTOR)
        lines = []
        for u in rows:
            state = "停用" if u.disabled else "启用"
            lines.append(f"{u.username}\t{u.roles or '-'}\t{state}")
        return "\n".join(lines) or "（还没有账号）"
    return _run(show)


def _disable(args: argparse.Namespace) -> int:
    return _run(lambda s: (accounts.set_disabled(session=s, actor=CLI_ACTOR, username=args.username,
                                                 disabled=not args.enable),
                           f"{'已启用' if args.enable else '已停用'} {args.username}")[1])


def _set_roles(args: argparse.Namespace) -> int:
    if _no_role(args):
        return 2
    return _run(lambda s: (accounts.set_roles(session=s, actor=CLI_ACTOR, username=args.username,
                                              roles=args.role),
                           f"{args.username} 的角色：{'、'.join(args.role)}")[1])


def _reset(args: argparse.Namespace) -> int:
    password = read_password("新密码：")
    return _run(lambda s: (accounts.reset_password(session=s, actor=CLI_ACTOR, username=args.username,
                                                   password=password),
                           f"已重置 {args.username} 的密码")[1])


def register(sub: argparse._SubParsersAction) -> None:
    users = sub.add_parser("users", help="staff accounts (password read from a prompt or stdin)")
    cmds = users.add_subparsers(dest="users_command", required=True)
    role_help = f"role, repeatable, at least one: {', '.join(ROLES)}"
    p = cmds.add_parser("add", help="create an account")
    p.add_argument("username")
    p.add_argument("--role", action="append", choices=ROLES, help=role_help)
    p.set_defaults(handler=_add)
    p = cmds.add_parser("list", help="list accounts")
    p.set_defaults(handler=_list)
    p = cmds.add_parser("disable", help="disable an account (ends its sessions)")
    p.add_argument("username")
    p.add_argument("--enable", action="store_true", help="re-enable instead")
    p.set_defaults(handler=_disable)
    p = cmds.add_parser("set-roles", help="replace an account's roles")
    p.add_argument("username")
    p.add_argument("--role", action="append", choices=ROLES, help=role_help)
    p.set_defaults(handler=_set_roles)
    p = cmds.add_parser("reset-password", help="set a new password and lift a lock-out")
    p.add_argument("username")
    p.set_defaults(handler=_reset)
