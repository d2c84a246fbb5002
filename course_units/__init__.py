"""The course units (content) and the unit catalogue model: schema, loader, validation."""

from course_units.catalogue import Catalogue, Unit, load_catalogue, units_root
from course_units.errors import FormatError, UnitFormatError

__all__ = ["Catalogue", "Unit", "load_catalogue", "units_root", "FormatError", "UnitFormatError"]
