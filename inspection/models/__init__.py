from .inspections import (
    MIN_INSPECTORS, CheckResult, Hazard, Inspection, InspectionPhoto, InspectionStatus, InspectorAssignment, ItemCheck,
    RecordKind, RecordSighting,
)
from .items import FindingConsequence, InspectionItem, InspectionItemVersion, ItemStatus

__all__ = [
    "MIN_INSPECTORS", "CheckResult", "FindingConsequence", "Hazard", "Inspection", "InspectionItem", "InspectionItemVersion",
    "InspectionPhoto", "InspectionStatus", "InspectorAssignment", "ItemCheck", "ItemStatus", "RecordKind", "RecordSighting",
]
