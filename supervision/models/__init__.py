from .enforcement import (
    FINE_MAX_YUAN,
    FINE_MIN_YUAN,
    DecisionKind,
    NoPenaltyGround,
    DecisionStatus,
    OrderEvidence,
    OrderSource,
    OrderStatus,
    PenaltyDecision,
    PenaltyNotice,
    PenaltyStatement,
    RectificationOrder,
)
from .disclosure import CreditRepairApplication, DisclosureStatus, PenaltyDisclosure, RepairStatus, WithdrawalGround
from .credit import CreditClass, CreditEvent, CreditEventKind, CreditRule, CreditRuleSet, CreditSourceKind, UnitCreditClass
from .legal import BureauLegalSettings, DocumentCounter, DocumentKind, HolidaySchedule
from .imports import ImportJob, ImportKind, ImportStatus
from .jurisdiction import Jurisdiction, JurisdictionLevel
from .register import (
    Catalogue,
    Person,
    PersonRole,
    ProductCategory,
    ProductionUnit,
    Qualification,
    QualificationKind,
    SizeClass,
    UnitStatus,
)
from .staff import StaffProfile, StaffRole

__all__ = [
    "CreditRepairApplication", "DisclosureStatus", "PenaltyDisclosure", "RepairStatus", "WithdrawalGround",
    "CreditClass", "CreditEvent", "CreditEventKind", "CreditRule", "CreditRuleSet", "CreditSourceKind", "UnitCreditClass",
    "FINE_MAX_YUAN", "FINE_MIN_YUAN", "DecisionKind", "DecisionStatus", "NoPenaltyGround", "OrderEvidence", "OrderSource",
    "OrderStatus", "PenaltyDecision", "PenaltyNotice", "PenaltyStatement", "RectificationOrder",
    "BureauLegalSettings", "DocumentCounter", "DocumentKind", "HolidaySchedule",
    "Catalogue", "ImportJob", "ImportKind", "ImportStatus", "Jurisdiction", "JurisdictionLevel", "Person", "PersonRole", "ProductCategory",
    "ProductionUnit", "Qualification", "QualificationKind", "SizeClass", "StaffProfile", "StaffRole",
    "UnitStatus",
]
