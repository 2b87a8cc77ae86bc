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
    "Catalogue", "ImportJob", "ImportKind", "ImportStatus", "Jurisdiction", "JurisdictionLevel", "Person", "PersonRole", "ProductCategory",
    "ProductionUnit", "Qualification", "QualificationKind", "SizeClass", "StaffProfile", "StaffRole",
    "UnitStatus",
]
