from .bank import (
    Difficulty,
    KnowledgeArea,
    Mastery,
    Question,
    QuestionStatus,
    QuestionType,
    QuestionVersion,
    RoleScope,
)
from .blueprint import Blueprint, BlueprintCell, MultiScoring

__all__ = [
    "Blueprint", "BlueprintCell", "Difficulty", "KnowledgeArea", "Mastery", "MultiScoring", "Question",
    "QuestionStatus", "QuestionType", "QuestionVersion", "RoleScope",
]
