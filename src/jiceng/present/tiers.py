"""Score tiers (等级): how people read a place's score, declared once (docs/design.md §4.7).

A street's or district's score (得分, docs/design.md §4.4) falls in one of three tiers: 达标 at or
above the upper threshold (default 95 %), 预警 from the lower (default 85 %) up to the upper,
重点关注 below the lower; green, amber and red. Every board, ledger and map reads the tiers from
here: programs see the codes (``ok``, ``warn``, ``focus``), people the Chinese labels and the
colours.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from jiceng.graphmodel import ArgumentError

__all__ = ["Tier", "Tiers", "TIERS", "TIER_CODES", "DEFAULT_TIERS", "NO_SCORE", "tier_label"]


@dataclass(frozen=True)
class Tier:
    """One tier: its code (for programs), labels, the fill it is drawn with and its text colour."""

    code: str
    zh: str
    en: str
    fill: str  # cell fill in the ledger and the briefing, box fill on the maps
    ink: str  # text on that fill where it is coloured (the ledger's font, the briefing's)


#: The three tiers, best first.
TIERS: dict[str, Tier] = {
    "ok": Tier("ok", "达标", "on target", "#81c784", "#0b3d0e"),
    "warn": Tier("warn", "预警", "warning", "#ffd54f", "#4a3300"),
    "focus": Tier("focus", "重点关注", "needs attention", "#e57373", "#4a0000"),
}
TIER_CODES = tuple(TIERS)
#: What a place without a score (no rule checks anything there) is drawn with.
NO_SCORE = Tier("", "无得分", "no score", "#ffffff", "#555555")


def tier_label(code: str) -> str:
    """A tier code as people read it (``warn`` → ``预警``); other text as it is."""
    tier = TIERS.get(code)
    return tier.zh if tier is not None else code


def _percent(fraction: float) -> str:
    return f"{fraction * 100:.10g}%"


@dataclass(frozen=True)
class Tiers:
    """The two thresholds (fractions): ``ok`` and above is 达标, ``warn`` up to ``ok`` is 预警,
    below ``warn`` is 重点关注. ``0 ≤ warn ≤ ok ≤ 1``, else :class:`ArgumentError`.

    >>> tiers = Tiers()
    >>> [tiers.of(s) for s in (0.95, 0.9, 0.8, float("nan"))]
    ['ok', 'warn', 'focus', None]
    >>> tiers.legend()
    '等级 tiers: 达标 ≥ 95% · 预警 85%–95% · 重点关注 < 85%（绿 green、黄 amber、红 red）'
    """

    ok: float = 0.95
    warn: float = 0.85

    def __post_init__(self) -> None:
        for name, value in (("ok", self.ok), ("warn", self.warn)):
            if not isinstance(value, (int, float)) or not math.isfinite(value) \
                    or not 0 <= value <= 1:
                raise ArgumentError(f"等级阈值 {name} 须在 0 到 1 之间，而不是 {value!r}"
                                    f"（the tier threshold {name} must be from 0 to 1, not "
                                    f"{value!r}）")
        if self.warn > self.ok:
            raise ArgumentError(
                f"预警线 {_percent(self.warn)} 高于达标线 {_percent(self.ok)}：达标线须不低于预警线"
                f"（the warning threshold {_percent(self.warn)} is above the target "
                f"{_percent(self.ok)}; the target must be at least the warning threshold）")

    def of(self, score: float | None) -> str | None:
        """The tier code of a score (a fraction); None when there is no score."""
        if score is None or (isinstance(score, float) and math.isnan(score)):
            return None
        if score >= self.ok:
            return "ok"
        return "warn" if score >= self.warn else "focus"

    def codes(self, scores: pd.Series) -> pd.Series:
        """The tier code of each score (None where a score is missing)."""
        values = scores.to_numpy(dtype=float, na_value=np.nan)
        out = np.where(values >= self.ok, "ok",
                       np.where(values >= self.warn, "warn", "focus")).astype(object)
        out[np.isnan(values)] = None
        return pd.Series(out, index=scores.index, name="tier")

    def tier(self, score: float | None) -> Tier:
        """The :class:`Tier` of a score (:data:`NO_SCORE` when there is none)."""
        code = self.of(score)
        return TIERS[code] if code is not None else NO_SCORE

    def range_text(self, code: str) -> str:
        """The scores a tier holds, as people read them: ``≥ 95%``, ``85%–95%``, ``< 85%``."""
        if code == "ok":
            return f"≥ {_percent(self.ok)}"
        if code == "warn":
            return f"{_percent(self.warn)}–{_percent(self.ok)}"
        return f"< {_percent(self.warn)}"

    def legend(self) -> str:
        """One line saying the tiers, their thresholds and colours (Chinese first)."""
        parts = " · ".join(f"{TIERS[c].zh} {self.range_text(c)}" for c in TIER_CODES)
        return f"等级 tiers: {parts}（绿 green、黄 amber、红 red）"


#: The tiers of docs/design.md §4: 达标 ≥ 95 %, 预警 85–95 %, 重点关注 < 85 %.
DEFAULT_TIERS = Tiers()
