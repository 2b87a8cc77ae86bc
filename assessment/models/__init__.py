from .attempts import Attempt, AttemptAnswer, AttemptStatus, FinishedBy
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
from .sampling import (
    HENAN_CLASS_RATIOS,
    Allocation,
    ConflictDeclaration,
    Draw,
    DrawSelection,
    ExaminerAssignment,
    ExaminerPool,
    ExamSession,
    Frame,
    LoginThrottle,
    NoticePrint,
    PlanPurpose,
    PlanStatus,
    SamplingMethod,
    SamplingPlan,
    SamplingUnit,
    SessionMode,
    Stratification,
    Ticket,
)

__all__ = [
    "Attempt", "AttemptAnswer", "AttemptStatus", "FinishedBy",
    "HENAN_CLASS_RATIOS", "Allocation", "ConflictDeclaration", "Draw", "DrawSelection", "ExaminerAssignment", "ExaminerPool", "ExamSession", "Frame", "LoginThrottle", "NoticePrint",
    "PlanPurpose", "PlanStatus", "SamplingMethod", "SamplingPlan", "SamplingUnit", "SessionMode", "Stratification", "Ticket",
    "Blueprint", "BlueprintCell", "Difficulty", "KnowledgeArea", "Mastery", "MultiScoring", "Question",
    "QuestionStatus", "QuestionType", "QuestionVersion", "RoleScope",
]
