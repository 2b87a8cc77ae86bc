from .jurisdiction import Jurisdiction, JurisdictionLevel
from .staff import StaffProfile, StaffRole

__all__ = ["Jurisdiction", "JurisdictionLevel", "StaffProfile", "StaffRole"]
