"""The question bank as a spreadsheet: import (all or nothing, row errors like the register's) and
export, with the headers 题型, 题干, 选项A … 选项F, 正确答案, 解析, 知识领域, 适用岗位, 产品类别, 依据, 难度."""

from __future__ import annotations

from dataclasses import dataclass

import tablib
from django.utils.translation import gettext as _

from supervision.exports import dataset_bytes, neutralise
from supervision.imports.cells import split_list
from supervision.imports.result import Column, ImportResult, PlannedChange, RowError, column_positions, import_conclude, import_file_log
from supervision.imports.table import Table, cell_text, read_table
from supervision.models import ProductCategory
from supervision.services.import_jobs import file_label

from .models import KnowledgeArea, Question, QuestionStatus
from .services.bank import LETTERS, QuestionContent, question_content_errors, question_create, question_update

QUESTION_COLUMNS = [
    Column("type", "题型"),
    Column("stem", "题干"),
    *[Column(f"option_{letter}", f"选项{letter}", required=letter in "AB") for letter in LETTERS],
    Column("answer", "正确答案"),
    Column("explanation", "解析", required=False),
    Column("area", "知识领域"),
    Column("roles", "适用岗位"),
    Column("categories", "产品类别", required=False),
    Column("legal_source", "依据"),
    Column("difficulty", "难度", required=False),
]
HEADER = {c.key: c.header for c in QUESTION_COLUMNS}
TYPE_WORDS = {"判断": "judge", "判断题": "judge", "单选": "single", "单选题": "single", "多选": "multi", "多选题": "multi"}
ROLE_WORDS = {"质量安全总监": "director", "总监": "director", "质量安全员": "officer", "安全员": "officer", "通用": "both"}
DIFFICULTY_WORDS = {"易": "easy", "中": "medium", "难": "hard", "": "medium"}
FIELD_COLUMN = {"type": "type", "stem": "stem", "options": "option_A", "answer": "answer", "legal_source": "legal_source"}


@dataclass
class QuestionRow:
    row: int
    content: QuestionContent


def _word(words: dict, value: str, row: int, key: str, message: str, errors: list) -> str | None:
    result = words.get(value.strip())
    if result is None:
        errors.append(RowError(row, HEADER[key], value, message))
    return result


def questions_import(*, table: Table, actor, dry_run: bool, filename: str = "", jurisdiction=None, progress=None) -> ImportResult:
    positions = column_positions(table, QUESTION_COLUMNS)
    areas = {a.name: a for a in KnowledgeArea.objects.all()}
    categories = dict(ProductCategory.objects.values_list("name", "pk"))
    result = ImportResult(total_rows=len(table.rows))
    rows: list[QuestionRow] = []
    seen: dict[str, int] = {}
    for offset, cells in enumerate(table.rows):
        number = offset + 2

        def cell(key: str) -> str:
            index = positions.get(key)
            return cell_text(cells[index]) if index is not None and index < len(cells) else ""

        errors: list[RowError] = []
        qtype = _word(TYPE_WORDS, cell("type"), number, "type", _("Must be 判断, 单选 or 多选."), errors)
        roles = _word(ROLE_WORDS, cell("roles"), number, "roles", _("Must be 质量安全总监, 质量安全员 or 通用."), errors)
        difficulty = _word(DIFFICULTY_WORDS, cell("difficulty"), number, "difficulty", _("Must be 易, 中 or 难."), errors)
        area = areas.get(cell("area").strip())
        if area is None:
            errors.append(RowError(number, HEADER["area"], cell("area"), _("Not a knowledge area.")))
        category_ids = set()
        for name in split_list(cell("categories")):
            if name in categories:
                category_ids.add(categories[name])
            else:
                errors.append(RowError(number, HEADER["categories"], name, _("Not in the product category list.")))
        options = [cell(f"option_{letter}") for letter in LETTERS]
        while options and not options[-1]:
            options.pop()
        if not errors:
            content = QuestionContent(
                type=qtype, stem=cell("stem"), options=options, answer=cell("answer"), area=area,
                legal_source=cell("legal_source"), roles=roles, difficulty=difficulty,
                explanation=cell("explanation"), category_ids=frozenset(category_ids),
            ).normalised()
            for field_name, message in question_content_errors(content):
                column = FIELD_COLUMN.get(field_name, "stem")
                errors.append(RowError(number, HEADER[column], cell(column), message))
        if not errors:
            if content.stem in seen:
                errors.append(RowError(number, HEADER["stem"], content.stem[:40], _("Same stem as row %(row)s.") % {"row": seen[content.stem]}))
            else:
                seen[content.stem] = number
                rows.append(QuestionRow(number, content))
        result.errors.extend(errors)

    existing = {
        q.current_version.stem: q
        for q in Question.objects.select_related("current_version__area").prefetch_related("current_version__categories")
        if q.current_version_id
    }
    to_create, to_update = [], []
    for row in rows:
        question = existing.get(row.content.stem)
        if question is None:
            to_create.append(row)
            result.plan(PlannedChange(row.row, str(row.row), row.content.stem[:40], "create"))
        elif QuestionContent.of(question.current_version).same_as(row.content):
            result.unchanged += 1
        else:
            to_update.append((row, question))
            result.plan(PlannedChange(row.row, str(question.pk), row.content.stem[:40], "update"))
    def write():
        for row in to_create:
            question_create(actor=actor, content=row.content, status=QuestionStatus.ACTIVE)
        for row, question in to_update:
            question_update(actor=actor, question=question, content=row.content)
        if jurisdiction is not None:  # each question's own entry is written by its service
            import_file_log(jurisdiction=jurisdiction, action="assessment.import_questions", actor=actor, filename=filename, result=result)

    return import_conclude(result=result, dry_run=dry_run, write=write, progress=progress)


def questions_export(*, queryset, file_format: str) -> bytes:
    role_words = {"director": "质量安全总监", "officer": "质量安全员", "both": "通用"}
    type_words = {"judge": "判断", "single": "单选", "multi": "多选"}
    difficulty_words = {"easy": "易", "medium": "中", "hard": "难"}
    dataset = tablib.Dataset(headers=[c.header for c in QUESTION_COLUMNS])
    versions = queryset.select_related("current_version__area").prefetch_related("current_version__categories")
    for question in versions:
        v = question.current_version
        options = list(v.options) + [""] * (len(LETTERS) - len(v.options))
        dataset.append([neutralise(x) for x in [
            type_words[v.type], v.stem, *options, v.answer, v.explanation, v.area.name, role_words[v.roles],
            "、".join(sorted(c.name for c in v.categories.all())), v.legal_source, difficulty_words[v.difficulty],
        ]])
    return dataset_bytes(dataset, file_format)


def questions_import_file(
    *, data: bytes, filename: str, actor, dry_run: bool, jurisdiction=None, progress=None, **_job,
) -> ImportResult:
    """Read a bank spreadsheet and import it; `ImportFileError` for a file that cannot be read. The
    import-job runner (`supervision.services.import_jobs`, kind "questions") calls this with the
    uploading bureau, which the audit entry names; job options of the register's kinds are ignored."""
    label = file_label(filename=filename, data=data)
    return questions_import(
        table=read_table(data=data, filename=filename), actor=actor, dry_run=dry_run, filename=label,
        jurisdiction=jurisdiction, progress=progress,
    )
