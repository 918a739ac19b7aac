"""Disclosure control for published counts (统计数字的保密处理): small counts are hidden, and where
printed numbers add up to a printed total, further cells are hidden so that no hidden count can be
worked out by subtraction (complementary, or secondary, suppression).

The reader is assumed to know every rule used here: a "<5" cell is from 1 to 4, a secondarily
hidden cell ("*") is at least 5 and — since the smallest visible cell of its group is the one
chosen, a tie going to the name that sorts first — at most the smallest count still printed in that
group, and below a printed count whose name sorts before its own. From those bounds and every
printed total, the reader narrows each hidden cell to an interval; a hidden cell is safe while its
interval holds more than one value. Cells are hidden until every hidden cell is safe.

A sum with a "<5" part beside a printed one gets its "*" first, whatever the values: were a "*"
added only where a "<5" would otherwise be pinned, its presence would tell such a reader that it
was (two "<5" beside a "*" and a printed total: 1 and 1)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

SMALL = 5
PRIMARY = "<5"        # a count from 1 to 4
SECONDARY = "*"       # hidden only so that a "<5" cannot be worked out from a total
UNBOUNDED = 10**12


@dataclass(frozen=True)
class Group:
    """Cells known to add up to a printed total: `total` = sum of `parts` (keys of the cells)."""

    total: str
    parts: tuple[str, ...]

    @property
    def cells(self) -> tuple[str, ...]:
        return (self.total, *self.parts)


@dataclass(frozen=True)
class Masked:
    """Which cells are printed and how: a key not in `values` is printed by the small-count rule."""

    values: Mapping[str, int]
    secondary: frozenset[str]

    def hidden(self, key: str) -> bool:
        return key in self.secondary or 0 < self.values.get(key, 0) < SMALL

    def text(self, key: str) -> str:
        if key in self.secondary:
            return SECONDARY
        return small(self.values.get(key, 0))


def small(n: int) -> str:
    """A count as printed: 1 to 4 as "<5", anything else (0 included) as the number."""
    return PRIMARY if 0 < n < SMALL else str(n)


def suppress(values: Mapping[str, int], groups: Sequence[Group]) -> Masked:
    """Hide the small counts, then, while any hidden cell can be pinned to one value from the
    printed totals, hide the smallest visible non-zero part of the most exposed group that pins it
    (its printed total when no such part is left)."""
    secondary: dict[str, int] = {}          # key -> index of the group it was hidden for
    groups = [g for g in groups if g.total in values]
    # First, whatever the values: a group with a "<5" part and a printed part beside it gets a "*"
    # among its parts. Were a "*" printed only where a "<5" would otherwise be pinned, a reader who
    # knows the rule would learn from the "*" itself that it was (two "<5" beside a "*" and a
    # printed total: both 1).
    for i, g in enumerate(groups):
        masked = Masked(values, frozenset(secondary))
        if masked.hidden(g.total) or any(k in secondary for k in g.parts):
            continue
        shown = [k for k in g.parts if not masked.hidden(k) and values[k] > 0]
        if shown and any(masked.hidden(k) for k in g.parts):
            secondary[min(shown, key=lambda k: (values[k], k))] = i
    while True:
        masked = Masked(values, frozenset(secondary))
        pinned = {k for k, (lo, hi) in intervals(masked, groups, secondary).items() if lo == hi}
        if not pinned:
            return masked
        exposed = sorted((i for i, g in enumerate(groups) if pinned & set(g.cells)),
                         key=lambda i: (sum(masked.hidden(k) for k in groups[i].cells), i))
        for i in exposed:
            choice = _next_to_hide(masked, groups[i])
            if choice is not None:
                secondary[choice] = i
                break
        else:
            return masked   # nothing visible is left to hide in any group that pins a cell


def _next_to_hide(masked: Masked, group: Group) -> str | None:
    visible = [k for k in group.parts if not masked.hidden(k) and masked.values[k] > 0]
    if visible:
        return min(visible, key=lambda k: (masked.values[k], k))
    return None if masked.hidden(group.total) or masked.values[group.total] == 0 else group.total


def intervals(masked: Masked, groups: Sequence[Group], chosen_for: Mapping[str, int] | None = None
              ) -> dict[str, tuple[int, int]]:
    """The narrowest interval a reader can give each hidden cell from the printed cells and totals.
    `chosen_for` names the group each secondary cell was hidden for (bounded by that group's
    smallest printed part); without it a secondary cell is only known to be at least 5."""
    keys = {k for g in groups for k in g.cells} | set(masked.secondary)
    box: dict[str, tuple[int, int]] = {}
    for k in keys:
        if not masked.hidden(k):
            box[k] = (masked.values[k], masked.values[k])
        elif k not in masked.secondary:
            box[k] = (1, SMALL - 1)
        else:
            box[k] = (SMALL, _secondary_ceiling(masked, groups, k, (chosen_for or {}).get(k)))
    for _round in range(4 * len(keys) + 4):
        changed = False
        for g in groups:
            # the parts' sums once per group: a part's bound is the total less the others' sum
            low, high = sum(box[p][0] for p in g.parts), sum(box[p][1] for p in g.parts)
            for k in g.cells:
                lo, hi = box[k]
                if k == g.total:
                    lo2, hi2 = low, high
                else:
                    lo2, hi2 = box[g.total][0] - (high - hi), box[g.total][1] - (low - lo)
                new = (max(lo, lo2), min(hi, hi2))
                if new != (lo, hi) and new[0] <= new[1]:
                    box[k], changed = new, True
        if not changed:
            break
    return {k: v for k, v in box.items() if masked.hidden(k)}


def _secondary_ceiling(masked: Masked, groups: Sequence[Group], key: str, index: int | None) -> int:
    if index is None or groups[index].total == key:
        return UNBOUNDED
    # it was the smallest by (count, name): below a printed part named before it, at most one named after
    printed = [masked.values[p] - (p < key) for p in groups[index].parts
               if not masked.hidden(p) and masked.values[p] > 0]
    return min(printed, default=UNBOUNDED)
