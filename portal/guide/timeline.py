"""The statutory timeline (法定期限示意图) drawn as SVG from portal.clock.RULES.

RULES is read at call time (never copied), so the picture, the table and the pre-filing receipt
always show the same numbers.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from portal import clock
from portal.clock import ClockRule


@dataclass(frozen=True)
class TimelineStep:
    """One row of the timeline: a statutory period and where it ends at the latest."""

    stage: str
    rule: ClockRule
    start_day: int      # days after submission when this period starts at the latest
    end_day: int        # … and when it ends, extension included

    @property
    def period_text(self) -> str:
        text = f"{self.rule.days} 日"
        if self.rule.extension_days:
            text += f"，情况复杂可延长 {self.rule.extension_days} 日"
        return text


def _stage_name(rules: list[ClockRule]) -> str:
    # 请求复查 + 复查意见 are one stage, 复查, named after what the citizen asks for
    return rules[0].name.removeprefix("请求")


def steps() -> list[TimelineStep]:
    """RULES grouped into stages (consecutive rules resting on the same articles)."""
    groups: list[list[ClockRule]] = []
    for rule in clock.RULES:
        if groups and groups[-1][0].provision_ids == rule.provision_ids:
            groups[-1].append(rule)
        else:
            groups.append([rule])
    out: list[TimelineStep] = []
    day = 0
    for group in groups:
        stage = _stage_name(group)
        for rule in group:
            end = day + rule.days + rule.extension_days
            out.append(TimelineStep(stage=stage, rule=rule, start_day=day, end_day=end))
            day = end
    return out


def stages() -> list[tuple[str, list[TimelineStep]]]:
    out: list[tuple[str, list[TimelineStep]]] = []
    for step in steps():
        if out and out[-1][0] == step.stage:
            out[-1][1].append(step)
        else:
            out.append((step.stage, [step]))
    return out


# Layout of the picture, in SVG user units. The viewBox is a phone's width: on a 375-px phone one
# unit is about 0.95 CSS px, so the smallest text (16 units) renders at about 15 px; on a wide
# screen the figure's max-width caps the scale. Long lines wrap instead of shrinking.
WIDTH = 360
LEFT = 14            # x of the vertical line
BAR_X = 30
BAR_MAX = 200
MIN_TEXT = 16        # the smallest font size used (tests/browser checks it at 375 px)
LINE = 22            # baseline to baseline for MIN_TEXT lines
INK = "#1a1a1a"
BASE_FILL = "#1f4e8c"
EXT_FILL = "#ffffff"


def _t(x: float, y: float, text: str, *, size: int = MIN_TEXT, weight: str = "normal",
       anchor: str = "start") -> str:
    return (f'<text x="{x}" y="{y}" font-size="{size}" font-weight="{weight}" text-anchor="{anchor}" '
            f'fill="{INK}">{html.escape(text)}</text>')


def _em(char: str) -> float:
    """Approximate advance of one character in em (CJK full width, Latin and digits narrower)."""
    return 1.0 if ord(char) >= 0x2E80 else 0.6


def wrap(text: str, *, size: int, width: float) -> list[str]:
    """Greedy line breaks so that no line is wider than `width` units at `size`."""
    lines, line, used = [], "", 0.0
    for char in text:
        advance = _em(char) * size
        if line and used + advance > width:
            lines.append(line)
            line, used = "", 0.0
        line += char
        used += advance
    return [*lines, line] if line else lines


LARGE = 1.25         # 大字号: the same picture on a narrower viewBox, so every word draws 25 % larger


def timeline_svg(*, title: str = "信访事项办理期限示意图", text_scale: float = 1.0) -> str:
    """An accessible SVG (role=img, <title>, <desc>) of every step with its days. `text_scale` > 1
    (大字号) draws the text that much larger at the same on-screen width: the viewBox narrows, the
    bars shorten and the lines wrap sooner."""
    width = round(WIDTH / text_scale)
    all_steps = steps()
    longest = max(s.rule.days + s.rule.extension_days for s in all_steps)
    scale = min(BAR_MAX, width - BAR_X - 120) / longest   # room at the right for 最迟第 N 日
    text_width = width - BAR_X - 4
    parts: list[str] = []
    y = 24
    parts.append(f'<circle cx="{LEFT}" cy="{y - 6}" r="7" fill="{INK}"/>')
    parts.append(_t(BAR_X, y, "提交信访事项（第 0 日）", size=17, weight="bold"))
    y += 14
    for stage, stage_steps in stages():
        y += 24
        parts.append(f'<rect x="{LEFT - 6}" y="{y - 14}" width="12" height="12" fill="{INK}"/>')
        parts.append(_t(BAR_X, y - 2, stage, size=18, weight="bold"))
        y += 10
        for step in stage_steps:
            rule = step.rule
            base_w = rule.days * scale
            ext_w = rule.extension_days * scale
            parts.append(f'<rect x="{BAR_X}" y="{y}" width="{base_w:.1f}" height="16" fill="{BASE_FILL}" '
                         f'stroke="{INK}" stroke-width="1"/>')
            label = f"{rule.name} {rule.days} 日"
            if ext_w:
                # the extension is drawn hollow and dashed, and named in words: never colour alone
                parts.append(f'<rect x="{BAR_X + base_w:.1f}" y="{y}" width="{ext_w:.1f}" height="16" '
                             f'fill="{EXT_FILL}" stroke="{INK}" stroke-width="1.5" stroke-dasharray="4 3"/>')
                label += f" + 可延长 {rule.extension_days} 日"
            parts.append(_t(width - 4, y + 14, f"最迟第 {step.end_day} 日", anchor="end"))
            y += 16 + LINE
            for line in wrap(label, size=MIN_TEXT, width=text_width):
                parts.append(_t(BAR_X, y, line, weight="bold"))
                y += LINE
            for line in wrap(f"{rule.who}，自{rule.starts_from}起", size=MIN_TEXT, width=text_width):
                parts.append(_t(BAR_X, y, line))
                y += LINE
            y += 6
    height = y
    parts.insert(0, f'<line x1="{LEFT}" y1="20" x2="{LEFT}" y2="{height - 14}" stroke="{INK}" stroke-width="3"/>')
    desc = "；".join(f"{s.stage}：{s.rule.name}{s.period_text}，最迟第 {s.end_day} 日" for s in all_steps)
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
            f'role="img" aria-labelledby="tl-title tl-desc" style="max-width:{round(480 * text_scale)}px;height:auto">'
            f'<title id="tl-title">{html.escape(title)}</title><desc id="tl-desc">{html.escape(desc)}</desc>'
            f'{"".join(parts)}</svg>')
