"""Names of their own and unified social credit codes for the generated city's bodies.

A planner must tell any two bodies of one kind apart by name, as in a real city: a second
estate of one name is its 二期, a second branch of a firm its 分公司, a second school of a
district its 第二中学, a second police station is named after its street or community. A
:class:`Namer` hands out the first free name of a list of candidates, kind by kind, and the
codes (GB 32100-2015, with the organisation code's own GB 11714 check digit).

Everything here draws from a random stream of its own, seeded apart from the stream the city's
structure is drawn from: names and codes can change without moving an id, a kind or an edge
(docs/design.md §1).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator

import numpy as np

from jiceng.graphmodel.uscc import USCC_ALPHABET, check_character
from jiceng.loaders.synthetic.draw import people, place_words
from jiceng.loaders.synthetic.figures import UNIT_KINDS

__all__ = ["Namer", "chinese_number", "expand", "organisation_code"]

_NAME_STREAM = 0x6E616D65  # "name": the names' stream is seeded with (seed, this)
_FRESH_TRIES = 8
_WORD_BATCH = 512  # new place words or people's names tried before an ordinal
_DIGITS = "零一二三四五六七八九"
_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_CODE_VALUE = {c: int(c) if c.isdigit() else ord(c) - 55 for c in USCC_ALPHABET}  # A is 10


def chinese_number(n: int) -> str:
    """``n`` in Chinese numerals, as in 第二中学 (from 100 on in digits, as in 第101中学).

    >>> [chinese_number(n) for n in (1, 2, 10, 12, 20, 35, 100)]
    ['一', '二', '十', '十二', '二十', '三十五', '100']
    """
    if n < 10:
        return _DIGITS[n]
    if n < 100:
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else _DIGITS[tens]) + "十" + (_DIGITS[ones] if ones else "")
    return str(n)


def organisation_code(body: str) -> str:
    """The nine-character organisation code of GB 11714: ``body`` (8 characters) and its check
    character, 11 - (weighted sum mod 11), 10 written X and 11 written 0.

    >>> organisation_code("D2143569")
    'D2143569X'
    """
    total = sum(_CODE_VALUE[c] * w for c, w in zip(body, _CODE_WEIGHTS))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def expand(templates: Iterable[str], fill: dict[str, str], fresh: Callable[[], str]
           ) -> Iterator[str]:
    """The candidate names of ``templates`` in turn, with ``fill``'s places put in.

    A template with ``{w}`` gives a few candidates, each with a new place word from ``fresh``;
    one with ``{n}`` gives endless ones, 第一 on (the first template) or 第二 on (a later one,
    whose first is the plain name before it).

    >>> list(itertools.islice(expand(["{s}小学", "{d}第{n}小学"], {"s": "油榨", "d": "南明区"},
    ...                              str), 3))
    ['油榨小学', '南明区第二小学', '南明区第三小学']
    """
    for position, template in enumerate(templates):
        if "{n}" in template:
            for n in itertools.count(1 if position == 0 else 2):
                yield template.format(n=chinese_number(n), **fill)
        elif "{w}" in template:
            for _ in range(_FRESH_TRIES):
                yield template.format(w=fresh(), **fill)
        else:
            yield template.format(**fill)


class Namer:
    """Hands out names no other body of the same kind has, and codes no other body has."""

    def __init__(self, seed: int) -> None:
        self.rng = np.random.default_rng([seed, _NAME_STREAM])
        self._taken: dict[str, set[str]] = {}
        self._codes: set[str] = set()
        self._words: list[str] = []  # new place words, drawn a batch at a time

    def first_free(self, kind: str, candidates: Iterable[str]) -> str:
        """The first of ``candidates`` no body of ``kind`` has yet, now taken.

        ``candidates`` must not run out (end with an ordinal template, see :func:`expand`).
        """
        taken = self._taken.setdefault(kind, set())
        for name in candidates:
            if name not in taken:
                taken.add(name)
                return name
        raise ValueError(f"no free name for a {kind}")

    def unit_kinds(self, count: int) -> np.ndarray:
        """``count`` units' kinds (rows of ``UNIT_KINDS``), as common as its weights say."""
        weights = np.array([w for _, _, w in UNIT_KINDS], dtype=float)
        return self.rng.choice(len(UNIT_KINDS), size=count, p=weights / weights.sum())

    def word(self) -> str:
        """A new place word: 金碧苑, 湖城."""
        if not self._words:
            self._words = place_words(self.rng, _WORD_BATCH).tolist()[::-1]
        return str(self._words.pop())

    def distinct_words(self, kind: str, words: np.ndarray, templates: list[str]) -> np.ndarray:
        """``words`` with each repeat replaced by the first free of ``templates`` ({v} the word,
        {w} a new place word, {n} an ordinal, as :func:`expand`)."""
        return np.array([self.first_free(kind, expand(templates, {"v": v}, self.word))
                         for v in words], dtype=object)

    def distinct_people(self, kind: str, names: np.ndarray, groups: np.ndarray) -> np.ndarray:
        """People's ``names`` with each repeat within a group (a district) replaced by another
        person's name, as two cadres of one district are two people."""

        def candidates(name: str) -> Iterator[str]:
            yield name
            yield from (str(people(self.rng, 1)[0]) for _ in range(_FRESH_TRIES))
            yield from (f"{name}（{chinese_number(n)}）" for n in itertools.count(2))

        return np.array([self.first_free(f"{kind}@{g}", candidates(n))
                         for n, g in zip(names, groups)], dtype=object)

    def codes(self, kinds: list[str], divisions: np.ndarray) -> np.ndarray:
        """A unified social credit code for each body: its kind code (``11`` 机关, ``12`` 事业
        单位, ``51`` 社会团体, ``52`` 社会服务机构, ``91`` 企业 …), its district's division
        code (``divisions``), an organisation code and the check character; no two alike."""
        organisations = self._organisation_codes([k.startswith("9") for k in kinds])
        out = []
        for kind, division, organisation in zip(kinds, divisions, organisations):
            while True:
                first17 = kind + division + organisation
                code = first17 + check_character(first17)
                if code not in self._codes:
                    self._codes.add(code)
                    out.append(code)
                    break
                organisation = self._organisation_codes([kind.startswith("9")])[0]
        return np.array(out, dtype=object)

    def _organisation_codes(self, firms: list[bool]) -> list[str]:
        """Organisation codes: a firm's (registered since 2015) MA and six characters, another
        body's eight digits, and the check character of :func:`organisation_code`."""
        count = len(firms)
        digits = self.rng.integers(0, 10, (count, 8))
        picks = self.rng.integers(0, len(USCC_ALPHABET), (count, 8))
        picks[:, :2] = [USCC_ALPHABET.index("M"), USCC_ALPHABET.index("A")]
        chars = np.where(np.array(firms, dtype=bool)[:, None], picks, digits)
        values = np.array([_CODE_VALUE[c] for c in USCC_ALPHABET])[chars]
        check = 11 - (values @ np.array(_CODE_WEIGHTS)) % 11
        alphabet = np.array(list(USCC_ALPHABET), dtype=object)
        last = np.where(check == 10, "X", np.where(check == 11, "0", check.astype(str)))
        return ["".join(row) + c for row, c in zip(alphabet[chars].tolist(), last.tolist())]
