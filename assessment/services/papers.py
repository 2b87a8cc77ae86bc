"""Paper assembly (组卷): draw a candidate's questions from the active bank by a blueprint.

Deterministic: the same blueprint, role, product categories, seed and "seen" set give the same
paper, so a paper can be re-derived in an audit. The bank is loaded once per assembler, and each
paper is then pure Python: exam starts come in a spike (see bench/paper_assembly.py)."""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, F
from django.utils.translation import gettext as _

from ..models import Blueprint, KnowledgeArea, QuestionStatus, QuestionType, QuestionVersion, RoleScope


@dataclass(frozen=True)
class PaperItem:
    version_id: int
    question_id: int
    type: str
    # option_order[i] is the index (in the version's options) shown in position i.
    option_order: tuple[int, ...]


@dataclass(frozen=True)
class Paper:
    items: tuple[PaperItem, ...]

    def as_json(self) -> list[dict]:
        return [{"v": i.version_id, "q": i.question_id, "t": i.type, "o": list(i.option_order)} for i in self.items]


@dataclass(frozen=True)
class Shortfall:
    area: str
    type: str
    needed: int
    available: int

    def __str__(self) -> str:
        return _("%(area)s · %(type)s: the blueprint needs %(needed)s, the active bank has %(available)s (short by %(short)s).") % {
            "area": self.area, "type": QuestionType(self.type).label, "needed": self.needed,
            "available": self.available, "short": self.needed - self.available,
        }


class BlueprintInfeasible(Exception):
    def __init__(self, shortfalls: list[Shortfall]):
        self.shortfalls = shortfalls
        super().__init__("\n".join(str(s) for s in shortfalls))


@dataclass(frozen=True)
class _Candidate:
    version_id: int
    question_id: int
    type: str
    option_count: int


class PaperAssembler:
    """Loads the candidate pools for one blueprint, role and set of product categories."""

    def __init__(self, *, blueprint: Blueprint, role: str, category_ids: frozenset[int] | set[int] = frozenset()):
        self.blueprint = blueprint
        self.role = role
        self.category_ids = frozenset(category_ids)
        self.cells = list(blueprint.cells.select_related("area").order_by("area__sort_order", "area__pk", "type"))
        versions = list(
            QuestionVersion.objects.filter(
                question__status=QuestionStatus.ACTIVE,
                question__current_version=F("pk"),
                roles__in=[role, RoleScope.BOTH],
                area__in=[c.area_id for c in self.cells],
            ).order_by("pk").values_list("pk", "question_id", "type", "area_id", "options")
        )
        Through = QuestionVersion.categories.through
        categories: dict[int, set[int]] = defaultdict(set)
        for version_id, category_id in Through.objects.filter(questionversion__in=[v[0] for v in versions]).values_list("questionversion_id", "productcategory_id"):
            categories[version_id].add(category_id)
        self.pools: dict[tuple[int, str], list[_Candidate]] = defaultdict(list)
        for version_id, question_id, qtype, area_id, options in versions:
            # A general question (no category) suits everyone; a category question only its units.
            own = categories.get(version_id)
            if own and not (own & self.category_ids):
                continue
            self.pools[(area_id, qtype)].append(_Candidate(version_id, question_id, qtype, len(options)))

    def shortfalls(self) -> list[Shortfall]:
        return [
            Shortfall(cell.area.name, cell.type, cell.count, len(self.pools[(cell.area_id, cell.type)]))
            for cell in self.cells if len(self.pools[(cell.area_id, cell.type)]) < cell.count
        ]

    def _rng(self, seed: str) -> random.Random:
        key = f"{seed}|{self.blueprint.pk}|{self.role}|{','.join(map(str, sorted(self.category_ids)))}"
        return random.Random(int.from_bytes(hashlib.sha256(key.encode()).digest(), "big"))

    def assemble(self, *, seed: str, seen_question_ids: frozenset[int] | set[int] = frozenset()) -> Paper:
        """Pick each cell's questions at random, preferring questions the candidate has not seen."""
        shortfalls = self.shortfalls()
        if shortfalls:
            raise BlueprintInfeasible(shortfalls)
        rng = self._rng(seed)
        chosen: list[_Candidate] = []
        for cell in self.cells:
            pool = self.pools[(cell.area_id, cell.type)]
            unseen = [c for c in pool if c.question_id not in seen_question_ids]
            if len(unseen) >= cell.count:
                chosen += rng.sample(unseen, cell.count)
            else:
                seen = [c for c in pool if c.question_id in seen_question_ids]
                chosen += unseen + rng.sample(seen, cell.count - len(unseen))
        if self.blueprint.shuffle_questions:
            rng.shuffle(chosen)
        items = []
        for c in chosen:
            order = list(range(c.option_count))
            # 正确/错误 keep their order; other options are shuffled if the blueprint says so.
            if self.blueprint.shuffle_options and c.type != QuestionType.JUDGE:
                rng.shuffle(order)
            items.append(PaperItem(c.version_id, c.question_id, c.type, tuple(order)))
        return Paper(tuple(items))


def paper_assemble(*, blueprint: Blueprint, role: str, category_ids=frozenset(), seed: str, seen_question_ids=frozenset()) -> Paper:
    return PaperAssembler(blueprint=blueprint, role=role, category_ids=category_ids).assemble(
        seed=seed, seen_question_ids=seen_question_ids,
    )


@dataclass(frozen=True)
class CellCheck:
    """One blueprint cell against the active bank."""

    area_name: str
    type: str
    count: int
    available: int

    @property
    def short(self) -> bool:
        return self.available < self.count

    def get_type_display(self) -> str:
        return QuestionType(self.type).label


def blueprint_check(*, role: str, cells: list[tuple[int, str, int]]) -> list[CellCheck]:
    """For each (area id, type, count), how many active general questions the role can be given.
    One query, whatever the number of cells; used by the blueprint editor as the user types."""
    area_ids = {area_id for area_id, _t, _c in cells}
    names = dict(KnowledgeArea.objects.filter(pk__in=area_ids).values_list("pk", "name"))
    available = {
        (row["area_id"], row["type"]): row["n"]
        for row in QuestionVersion.objects.filter(
            question__status=QuestionStatus.ACTIVE, question__current_version=F("pk"),
            roles__in=[role, RoleScope.BOTH], area__in=area_ids, categories__isnull=True,
        ).values("area_id", "type").annotate(n=Count("pk"))
    }
    return [
        CellCheck(names.get(area_id, "?"), qtype, count, available.get((area_id, qtype), 0))
        for area_id, qtype, count in cells if area_id in names
    ]
