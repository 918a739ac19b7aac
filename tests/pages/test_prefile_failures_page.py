"""网上预登记 when the database or the disk fails (failure drill, session 35): an answer lost after the
submission commits still gives the 查询密码 (H1); a save or submission that fails keeps everything
typed on the step and says so in Chinese (H3)."""

from __future__ import annotations

import errno
import re

import pytest
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlmodel import Session, select

from portal.db import get_engine
from portal.prefiling.crypto import get_cipher
from portal.prefiling.models import Prefiling, PrefilingDraft
from tests.conftest import database_away as _down
from tests.conftest import page_text
from tests.pages import test_prefile_page as base
from tests.pages.test_prefile_page import (
    click,
    consent,
    count_prefilings,
    fill_text,
    history,
    matter,
    petitioner,
)
from tests.prefiling.factories import valid_id

open_form = base.open_form   # the form's first step with a fake searcher (a fixture)

SAVE_FAILED = "暂时无法保存，您填写的内容还在本页。请稍等一会儿再点“继续”。如果一直不成功，请拨打来访接待电话 12345。"
SUBMIT_FAILED = "您的材料还没有提交成功"


def _panel(at) -> tuple[str, ...]:
    bodies = [el.proto.body for el in at.html if not el.proto.unsafe_allow_javascript]
    panel = next((b for b in bodies if "confirm-panel" in b), "")
    return tuple(re.findall(r'<p class="panel-code">([^<]+)</p>', panel))


def _draft(code: str) -> PrefilingDraft | None:
    with Session(get_engine()) as s:
        return s.get(PrefilingDraft, code)


def _stored(code: str) -> Prefiling:
    with Session(get_engine()) as s:
        return s.exec(select(Prefiling).where(Prefiling.code == code)).one()


# ---- H1: the answer to 确认提交 lost after the commit --------------------------------------------

def _killed(*_args):
    """Right after the 件's commit: the server process dies (SIGKILL), nothing more happens."""
    raise RuntimeError("the server was killed here")


def test_a_reload_after_a_submission_whose_answer_was_lost_shows_the_code_and_secret(open_form, monkeypatch):
    """The 件 was committed, then the server died (or the database stopped) before the page was
    drawn: the reload of the ?draft= address used to reopen 核对, and 确认提交 again said the 查询密码
    had been shown. It shows the receipt with both, once."""
    from portal.prefiling import repeats

    at = history(matter(petitioner(consent(open_form()))))
    draft = at.session_state["pf_draft"]
    before = count_prefilings()
    monkeypatch.setattr(repeats, "encode_soon", _killed)   # the first thing after the commit
    [button] = [b for b in at.button if b.label == "确认提交"]
    button.click().run()
    assert count_prefilings() == before + 1
    monkeypatch.undo()
    reloaded = open_form(draft=draft)               # a new session on the same address
    code, secret = _panel(reloaded)
    text = page_text(reloaded)
    assert "只显示这一次" in "".join(el.proto.body for el in reloaded.html) and "核对您填写的内容" not in text
    stored = _stored(code.replace("-", ""))
    assert get_cipher().mac_matches(f"{stored.code}:{secret}", stored.secret_hash)
    assert "draft" not in reloaded.query_params
    assert _draft(draft) is None                    # drawn: the marker (and the secret in it) is gone
    again = open_form(draft=draft)                  # now as any link that finds nothing: said at the top
    assert any("没有找到这个链接里的草稿" in w.value for w in again.warning) and not _panel(again)


def test_submitting_again_after_a_lost_answer_shows_the_secret_not_already_shown(open_form, monkeypatch):
    """A second tab on the same draft (or the first tab after a fault page) presses 确认提交 again
    before the receipt was ever drawn: the same 件, with its 查询密码."""
    from portal.prefiling import repeats

    first = history(matter(petitioner(consent(open_form()))))
    second = open_form(draft=first.session_state["pf_draft"])
    monkeypatch.setattr(repeats, "encode_soon", _killed)
    [button] = [b for b in first.button if b.label == "确认提交"]
    button.click().run()
    monkeypatch.undo()
    before = count_prefilings()
    click(second, "确认提交")
    code, secret = _panel(second)
    assert count_prefilings() == before and "这份材料已经提交过了" not in page_text(second)
    assert get_cipher().mac_matches(f"{code.replace('-', '')}:{secret}", _stored(code.replace("-", "")).secret_hash)


def test_without_a_secret_the_receipt_does_not_claim_it_was_shown(open_form):
    first = history(matter(petitioner(consent(open_form()))))
    second = open_form(draft=first.session_state["pf_draft"])
    click(first, "确认提交")          # drawn there: the marker is gone
    click(second, "确认提交")
    text = page_text(second)
    assert "这份材料已经提交过了" in text and "查询密码在第一次提交时已经显示" not in text
    assert "不能再显示" in text and "12345" in text and len(_panel(second)) == 1


# ---- H3: a save or a submission the database or disk refuses ------------------------------------

def _typed_petitioner(at, id_number):
    fill_text(at, "姓名", "张秀兰")
    fill_text(at, "身份证号码", id_number)
    fill_text(at, "联系电话（手机或固定电话）", "13812345678")
    fill_text(at, "住址", "历下区文化东路1号")


@pytest.mark.parametrize("failure", [_down, InterfaceError("SELECT 1", {}, Exception("the connection is closed"))])
def test_continue_when_the_database_is_down_keeps_what_was_typed(open_form, monkeypatch, failure):
    import ui.prefile_state

    at = consent(open_form())
    draft = at.session_state["pf_draft"]
    id_number = valid_id()
    _typed_petitioner(at, id_number)
    def raising(**_kwargs):
        if callable(failure):
            failure()
        raise failure

    monkeypatch.setattr(ui.prefile_state, "save_draft", raising)
    click(at, "继续")
    text = page_text(at)
    assert SAVE_FAILED in text and "第 2 步" in text and "故障" not in text
    assert at.text_input(key="pf_w_name").value == "张秀兰"
    assert at.text_input(key="pf_w_id_number").value == id_number
    assert at.text_input(key="pf_w_address").value == "历下区文化东路1号"
    assert base._stored_name(draft) == ""                       # nothing stored
    monkeypatch.undo()
    click(at, "继续")                                       # the database is back
    assert "第 3 步" in page_text(at) and SAVE_FAILED not in page_text(at)
    assert base._stored_name(draft) == "张秀兰"


def test_continue_when_the_disk_is_full_keeps_the_step_and_its_files(open_form, monkeypatch):
    """信访事项 with a photo, the attachments folder full: the words and the chosen file are still
    there; 继续 again stores the file once."""
    from portal.prefiling import attachments
    from tests.prefiling import files

    at = petitioner(consent(open_form()))
    draft = at.session_state["pf_draft"]
    fill_text(at, "问题属地（区、县、市）", "历下区")
    at.radio(key="pf_w_category").set_value("申诉求决")
    fill_text(at, "诉求", "请求督促公司支付拖欠的工资。")
    fill_text(at, "事实与理由", "公司拖欠工资半年。")
    at.get("file_uploader")[0].set_value(("工资条.png", files.png(), "image/png"))

    def full(**_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(attachments, "store", full)
    click(at, "继续")
    text = page_text(at)
    assert SAVE_FAILED in text and "第 3 步" in text
    assert at.text_area(key="pf_w_facts").value == "公司拖欠工资半年。"
    assert at.text_input(key="pf_w_district").value == "历下区"
    assert [f.name for f in at.get("file_uploader")[0].value] == ["工资条.png"]
    assert not at.session_state["pf_data"].get("attachments")
    monkeypatch.undo()
    click(at, "继续")
    assert "第 4 步" in page_text(at)
    from portal.prefiling.drafts import load_draft
    from tests.prefiling.factories import client

    with Session(get_engine()) as s:
        stored = load_draft(session=s, code=draft, client=client()).data
    assert [a["label"] for a in stored["attachments"]] == ["工资条.png"]
    assert stored["facts"] == "公司拖欠工资半年。"


@pytest.mark.parametrize("failure", [OperationalError("INSERT", {}, Exception("database is locked")),
                                     OSError(errno.EROFS, "Read-only file system")])
def test_submit_when_the_database_is_down_says_nothing_was_submitted(open_form, monkeypatch, failure):
    from portal.prefiling import service

    at = history(matter(petitioner(consent(open_form()))))
    draft = at.session_state["pf_draft"]
    before = count_prefilings()

    def broken(**_kwargs):
        raise failure

    monkeypatch.setattr(service, "by_token", broken)
    click(at, "确认提交")
    text = page_text(at)
    assert SUBMIT_FAILED in text and "核对您填写的内容" in text and "张秀兰" in text
    assert "如果一直不成功，请拨打来访接待电话 12345。" in text and not _panel(at) and count_prefilings() == before
    assert _draft(draft).step == "check"                      # the form is still the draft
    monkeypatch.undo()
    click(at, "确认提交")
    code, secret = _panel(at)
    assert count_prefilings() == before + 1 and len(secret) == 8 and SUBMIT_FAILED not in page_text(at)


# ---- the draft's own actions while the database is away ------------------------------------------

def test_a_draft_that_cannot_be_read_or_deleted_now_is_said_so_and_kept(open_form, monkeypatch):
    """Resuming a draft by its code or its link, and 删除草稿, while the database is down: the
    citizen is told the draft is still there and to try again (not the fault page, not "没有找到这份
    草稿"), and afterwards both work."""
    from portal.prefiling import drafts
    from ui.prefile_state import DISCARD_FAILED, DRAFT_UNREADABLE

    at = petitioner(consent(open_form()))
    code = at.session_state["pf_draft"]
    monkeypatch.setattr(drafts, "discard_draft", _down)
    monkeypatch.setattr("ui.prefile_state.discard_draft", _down)
    at.checkbox(key="pf_discard_ok").check()
    click(at, "删除草稿")
    assert DISCARD_FAILED in page_text(at) and _draft(code) is not None
    assert at.session_state["pf_data"]["name"] == "张秀兰"
    monkeypatch.setattr("ui.prefile_state.load_draft", _down)
    linked = open_form(draft=code)                  # the draft's address, while the database is away
    assert DRAFT_UNREADABLE in page_text(linked) and "没有找到这份草稿" not in page_text(linked)
    typed = open_form()
    typed.text_input(key="pf_w_resume_code").input(code)
    click(typed, "继续填写草稿")
    assert DRAFT_UNREADABLE in page_text(typed)
    monkeypatch.undo()                              # the database is back
    click(typed, "继续填写草稿")
    assert typed.session_state["pf_data"]["name"] == "张秀兰"


def _drafts() -> int:
    with Session(get_engine()) as s:
        return len(s.exec(select(PrefilingDraft)).all())


def test_continue_on_a_link_the_database_could_not_read_opens_that_draft_not_a_new_one(open_form, monkeypatch):
    """A draft's address opened while the database is away shows step 1 and says the draft is still
    there (r47b F1). With the database back the citizen ticks the box and presses 继续: that
    callback ran before the link was tried again, saved a new draft under a new code over the
    address, and showed 信访人 empty, the old draft (name, ID, phone, address) left with nothing
    pointing to it. Now the press opens the link's draft first, at its step, and saves nothing."""
    from ui.prefile_state import DRAFT_UNREADABLE

    at = petitioner(consent(open_form()))
    code = at.session_state["pf_draft"]
    before = _drafts()
    monkeypatch.setattr("ui.prefile_state.load_draft", _down)
    linked = open_form(draft=code)                  # a new tab on the draft's address, the database away
    assert DRAFT_UNREADABLE in page_text(linked) and "须知与授权" in page_text(linked)
    monkeypatch.undo()                              # the database is back
    consent(linked)
    assert linked.query_params["draft"] == code == linked.session_state["pf_draft"]
    assert linked.session_state["pf_step"] == "matter" and "第 3 步" in page_text(linked)
    assert linked.session_state["pf_data"]["name"] == "张秀兰" and DRAFT_UNREADABLE not in page_text(linked)
    assert _drafts() == before                      # no second draft
    click(linked, "上一步")                          # 信访人 as it was typed
    assert linked.text_input(key="pf_w_name").value == "张秀兰"
    assert linked.text_input(key="pf_w_address").value == "历下区文化东路1号"


def test_continue_while_the_link_still_cannot_be_read_saves_nothing_and_read_again_opens_it(
        open_form, monkeypatch):
    """继续 while the database still cannot read the link's draft: no new draft takes the address,
    the press says nothing was saved, and the draft is read once in that run (a frozen database
    makes each read a wait). 重新读取草稿 under the message opens it once the database is back, and
    the lookup is not left counted against the citizen."""
    from portal.prefiling.models import RateEvent
    from ui.prefile_state import DRAFT_UNREADABLE

    at = petitioner(consent(open_form()))
    code = at.session_state["pf_draft"]
    before = _drafts()
    reads = []

    def away(**_kwargs):
        reads.append(1)
        _down()

    monkeypatch.setattr("ui.prefile_state.load_draft", away)
    linked = open_form(draft=code)
    consent(linked)
    text = page_text(linked)
    assert len(reads) == 2 and DRAFT_UNREADABLE in text and SAVE_FAILED in text and "须知与授权" in text
    assert linked.query_params["draft"] == code and not linked.session_state.get("pf_draft")
    assert _drafts() == before
    monkeypatch.undo()                              # the database is back
    click(linked, "重新读取草稿")
    assert linked.session_state["pf_draft"] == code and linked.session_state["pf_step"] == "matter"
    assert linked.session_state["pf_data"]["name"] == "张秀兰" and DRAFT_UNREADABLE not in page_text(linked)
    assert _drafts() == before
    with Session(get_engine()) as s:
        assert not s.exec(select(RateEvent).where(RateEvent.bucket == "lookup_fail")).all()


@pytest.mark.parametrize("stored", [True, False])
def test_a_submission_whose_commit_answer_was_lost_says_it_may_be_stored_and_the_retry_tells(
        open_form, monkeypatch, stored):
    """The connection drops during the commit itself (PostgreSQL restarting): the page cannot know
    whether the 件 is stored, so it does not say "还没有提交成功". 确认提交 again shows the receipt
    with both codes, once, whether the first try had stored it or not."""
    from tests.prefiling.test_submit_marker import _commit_answer_lost

    at = history(matter(petitioner(consent(open_form()))))
    before = count_prefilings()
    _commit_answer_lost(monkeypatch, stored=stored)
    click(at, "确认提交")
    monkeypatch.undo()
    text = page_text(at)
    assert "可能已经提交，也可能还没有" in text and SUBMIT_FAILED not in text
    assert "核对您填写的内容" in text and "张秀兰" in text and not _panel(at)
    assert "如果一直不成功，请拨打来访接待电话 12345。" in text
    assert count_prefilings() == before + (1 if stored else 0)
    click(at, "确认提交")
    code, secret = _panel(at)
    assert count_prefilings() == before + 1 and len(secret) == 8
    assert get_cipher().mac_matches(f"{code.replace('-', '')}:{secret}", _stored(code.replace("-", "")).secret_hash)


def test_a_retry_after_a_lost_answer_with_the_database_down_still_says_it_may_be_stored(open_form, monkeypatch):
    """确认提交 whose answer was lost after the 件 was stored, then again while the database is
    down: that try stored nothing, but the first did, so the page may not say 还没有提交成功
    (a reviewer saw it, PostgreSQL stopped after a commit delayed past the reply timeout). With the
    database back, the receipt of the one 件."""
    from portal.prefiling import service
    from tests.prefiling.test_submit_marker import _commit_answer_lost

    at = history(matter(petitioner(consent(open_form()))))
    before = count_prefilings()
    _commit_answer_lost(monkeypatch, stored=True)
    click(at, "确认提交")
    monkeypatch.undo()
    assert "可能已经提交，也可能还没有" in page_text(at) and count_prefilings() == before + 1
    monkeypatch.setattr(service, "by_token", _down)
    click(at, "确认提交")
    text = page_text(at)
    assert "可能已经提交，也可能还没有" in text and "都不会重复提交" in text and SUBMIT_FAILED not in text
    assert "核对您填写的内容" in text and "张秀兰" in text and not _panel(at)
    monkeypatch.undo()
    click(at, "确认提交")
    code, secret = _panel(at)
    assert count_prefilings() == before + 1 and len(secret) == 8


def test_a_lost_answer_of_one_form_does_not_colour_the_next_forms_failure(open_form, monkeypatch):
    """The doubt belongs to the form whose answer was lost: a new form (after its receipt) that
    fails while the database is down is told, truly, that it is not submitted."""
    from portal.prefiling import service
    from tests.prefiling.test_submit_marker import _commit_answer_lost

    at = history(matter(petitioner(consent(open_form()))))
    _commit_answer_lost(monkeypatch, stored=True)
    click(at, "确认提交")
    monkeypatch.undo()
    at.session_state["pf_token"] = "another-form-token"   # as a new form's draft gives it
    monkeypatch.setattr(service, "by_token", _down)
    click(at, "确认提交")
    assert SUBMIT_FAILED in page_text(at)


def test_a_second_tap_on_submit_on_a_slow_link_keeps_the_secret_on_screen(open_form):
    """On a slow link 确认提交 stays on screen for a round trip after the tap, and a second tap runs
    its callback again once the first one's receipt is made and drawn (a slow-network audit, 2 of 2
    runs). The receipt kept its 查询码 but lost its 查询密码, and the citizen was sent to the phone."""
    at = history(matter(petitioner(consent(open_form()))))
    [tap] = [b for b in at.button if b.label == "确认提交"]
    tap.click().run()
    code, secret = _panel(at)
    done = at.session_state["pf_done"]
    # the second tap: its callback runs with the check page's button still registered
    del at.session_state["pf_done"]
    at.run()
    at.session_state["pf_done"] = done
    [again] = [b for b in at.button if b.label == "确认提交"]
    again.click().run()
    assert _panel(at) == (code, secret) and "不能再显示" not in page_text(at)
