"""Papers per second from a bank of 5,000 questions (issue 4; target ≥ 500 papers/s on one core).

Exam starts come in a spike, so assembling must be cheap. Baselines measured in the same run:
loading the pools (done once per blueprint and role), and a naive ORM assembly that queries the
database per cell with ORDER BY RANDOM(). Uses its own throw-away database.

    .venv/bin/python bench/paper_assembly.py [--questions 5000] [--papers 3000]
"""

import argparse
import sys
import time

from _common import throwaway_django


def make_bank(n: int) -> None:
    import random

    from django.db import transaction

    from assessment.models import KnowledgeArea, Question, QuestionVersion

    rng = random.Random(1)
    areas = list(KnowledgeArea.objects.all())
    with transaction.atomic():
        questions = Question.objects.bulk_create([Question(status="active") for _ in range(n)])
        versions = []
        for i, question in enumerate(questions):
            qtype = ("judge", "single", "multi")[i % 3]
            options = ["正确", "错误"] if qtype == "judge" else [f"选项{j}" for j in range(4)]
            answer = {"judge": "A", "single": "B", "multi": "AC"}[qtype]
            versions.append(QuestionVersion(
                question=question, number=1, type=qtype, stem=f"题目 {i}", options=options, answer=answer,
                area=areas[i % len(areas)], roles=rng.choice(["director", "officer", "both"]),
                legal_source="第十五条", difficulty="medium",
            ))
        QuestionVersion.objects.bulk_create(versions)
        for question, version in zip(questions, versions):
            question.current_version = version
        Question.objects.bulk_update(questions, ["current_version"])


def naive_paper(blueprint, role: str) -> list[int]:
    from assessment.models import QuestionVersion

    chosen = []
    for cell in blueprint.cells.all():
        chosen += list(
            QuestionVersion.objects.filter(
                question__status="active", area=cell.area_id, type=cell.type, roles__in=[role, "both"],
            ).order_by("?").values_list("pk", flat=True)[: cell.count]
        )
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--questions", type=int, default=5000)
    parser.add_argument("--papers", type=int, default=3000)
    args = parser.parse_args()
    with throwaway_django():
        from assessment.models import Blueprint
        from assessment.services.papers import PaperAssembler

        make_bank(args.questions)
        blueprint = Blueprint.objects.get(role="director")

        start = time.perf_counter()
        assembler = PaperAssembler(blueprint=blueprint, role="director")
        load_s = time.perf_counter() - start

        start = time.perf_counter()
        seen = set()
        for i in range(args.papers):
            paper = assembler.assemble(seed=f"ticket-{i}", seen_question_ids=seen if i % 2 else ())
            if i == 0:
                seen = {item.question_id for item in paper.items}
        ours_s = time.perf_counter() - start

        naive_n = max(1, args.papers // 20)
        start = time.perf_counter()
        for _ in range(naive_n):
            naive_paper(blueprint, "director")
        naive_s = time.perf_counter() - start

        ours_rate = args.papers / ours_s
        naive_rate = naive_n / naive_s
        print(f"# paper assembly: {args.questions} questions, blueprint of {sum(c.count for c in blueprint.cells.all())} questions, one process (one core)")
        print(f"# command: {' '.join(sys.argv)}")
        print()
        print("| what | papers | seconds | papers/s | vs naive ORM |")
        print("| --- | ---: | ---: | ---: | ---: |")
        print(f"| our assembler (pools loaded once) | {args.papers} | {ours_s:.3f} | {ours_rate:,.0f} | {ours_rate / naive_rate:.1f}× |")
        print(f"| naive ORM, ORDER BY RANDOM() per cell | {naive_n} | {naive_s:.3f} | {naive_rate:,.0f} | 1.0× |")
        print(f"| loading the pools (once per blueprint and role) | 1 | {load_s:.3f} | — | — |")
        print()
        print(f"target ≥ 500 papers/s: {'MET' if ours_rate >= 500 else 'NOT MET'} ({ours_rate:,.0f} papers/s)")


if __name__ == "__main__":
    main()
