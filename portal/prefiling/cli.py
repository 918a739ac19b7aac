"""Commands: `python -m portal keygen`, `python -m portal purge-expired` and `python -m portal repeats`."""

from __future__ import annotations

import argparse
import sys

from sqlalchemy.exc import SQLAlchemyError

from portal.prefiling.crypto import new_key, write_key_file
from portal.settings import embedding_model_problem, get_settings


def _keygen(args: argparse.Namespace) -> int:
    if args.print:
        print(new_key())  # for PORTAL_ENCRYPTION_KEY; store it in the secret manager, not in git
        return 0
    path = get_settings().encryption_key_file
    try:
        made = write_key_file(path)
    except OSError as exc:   # a folder the user may not write (/etc/portal is root's): one line
        print(f"没有生成密钥：无法在 {path.parent} 写入密钥文件（{exc.strerror or exc}）。请用有写权限的用户"
              f"（例如 root）运行，再把 {path} 交给运行门户的用户（chown，权限 0600）。", file=sys.stderr)
        return 2
    if made:
        print(f"created {path} (mode 0600). Back it up now: without it the personal data cannot be read.")
        return 0
    print(f"{path} exists; left unchanged (replacing it would make stored personal data unreadable).")
    return 1


def _purge(_args: argparse.Namespace) -> int:
    from portal.cli_core import database_work
    from portal.db import get_engine, session_scope, shown_url
    from portal.prefiling.retention import STAFF_SESSION_TTL, purge_expired, stale_open
    from portal.qa.inbox import UNHANDLED_TTL

    settings = get_settings()
    try:   # purge_expired is one transaction and removes files only after its commit: a failure did nothing
        report = database_work(
            lambda session: purge_expired(session=session, retention_days=settings.retention_days,
                                          withdrawn_days=settings.withdrawn_retention_days,
                                          attachments_dir=settings.attachments_dir),
            failed="清理没有完成：数据库正忙或无法连接（{cause}），没有删除任何内容，请稍后再运行。")
    except OSError as exc:   # the attachments folder cannot be read (before the commit: nothing was done)
        print(f"清理没有完成：附件文件夹无法读取（{exc.strerror or exc}），没有删除任何内容，"
              "请检查后再运行。", file=sys.stderr)
        return 2
    engine = get_engine()
    print(f"database {shown_url(engine)}, attachments {settings.attachments_dir}")
    print(f"anonymised {report.anonymised} pre-filings closed more than {settings.retention_days} days ago "
          f"(withdrawn ones: {settings.withdrawn_retention_days} days); "
          f"removed {report.drafts_removed} stale drafts and {report.files_removed} attachment files; "
          f"deleted {report.sent_questions_removed} sent-in questions (群众来问) left unhandled for more than "
          f"{UNHANDLED_TTL.days} days and {report.staff_sessions_removed} staff sign-in sessions last seen more "
          f"than {STAFF_SESSION_TTL.days} days ago")
    try:   # after the purge's commit: a failure here must not say that nothing was done
        with session_scope(engine) as session:
            stale = stale_open(session=session, retention_days=settings.retention_days)
    except SQLAlchemyError:
        stale = 0
    if stale:
        print(f"still open: {stale} pre-filings came in more than {settings.retention_days} days ago and were never "
              "closed (需补充材料 with no reply, or never finished); close or reject them on 预登记办理 so that "
              "their personal data is erased in time", file=sys.stderr)
    if report.sweep_skipped:
        print(f"not swept: {report.sweep_skipped} stored files that nothing names, because this database holds "
              "no pre-filing and no draft, or they are older than its first one (is it the right database?)",
              file=sys.stderr)
    return 0


def _erase(args: argparse.Namespace) -> int:
    from portal.cli_core import database_work
    from portal.prefiling.retention import EraseRefused, erase_on_request

    settings = get_settings()
    try:
        code = database_work(
            lambda session: erase_on_request(session=session, code=args.code, by=args.by, reason=args.reason,
                                             attachments_dir=settings.attachments_dir).code,
            failed="没有删除：数据库正忙、无法连接或此件刚被改动（{cause}），请稍后再运行。")
    except EraseRefused as refused:
        print(f"没有删除：{refused}", file=sys.stderr)
        return 2
    print(f"已删除预登记 {code} 的个人信息（记入操作日志，经办人 {args.by.strip()}）。")
    return 0


def _repeats(args: argparse.Namespace) -> int:
    from portal.cli_core import database_work
    from portal.prefiling.repeats import process_pending
    from portal.search.embedder import make_embedder, untuned

    spec = args.model or untuned(get_settings().embedding_model)
    if problem := embedding_model_problem(spec):
        print(f"--model 的值“{spec}”不能用：{problem}", file=sys.stderr)
        return 2
    made = []

    def work(session):   # the model is made once the database is known to be there and set up:
        made.append(make_embedder(spec))   # a refusal neither builds e5q nor makes the data folder
        return process_pending(session=session, embedder=made[0], limit=args.limit)

    done = database_work(work, failed="重复信访比对没有完成：数据库正忙或无法连接（{cause}），请稍后再运行。")
    print(f"重复信访: encoded and linked {done} pre-filings with {made[0].model_id}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("keygen", help="create the encryption key file (0600) for personal data")
    p.add_argument("--print", action="store_true", help="print a new key instead (for PORTAL_ENCRYPTION_KEY)")
    p.set_defaults(handler=_keygen)
    p = sub.add_parser("purge-expired", help="erase personal data of pre-filings past the retention period, "
                                          "and unhandled sent-in questions after 90 days")
    p.set_defaults(handler=_purge)
    p = sub.add_parser("erase-prefiling", help="个人信息保护法: erase one closed pre-filing's personal data now, at "
                                               "the citizen's request (audited)")
    p.add_argument("code", help="the 查询码")
    p.add_argument("--by", required=True, help="the staff member who checked the request (user name)")
    p.add_argument("--reason", required=True, help="the basis, naming no one (e.g. 信访人来电申请，已核实身份)")
    p.set_defaults(handler=_erase)
    p = sub.add_parser("repeats", help="重复信访: key, encode and link pre-filings not done yet (back-fill, "
                                       "after a key rotation or a model outage)")
    p.add_argument("--limit", type=int, default=100_000, help="at most this many pre-filings")
    p.add_argument("--model", help="embedding model (default: settings.embedding_model)")
    p.set_defaults(handler=_repeats)
