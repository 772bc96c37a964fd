"""The care plan editor, its forms, and the version history with comparison."""

from screens.care_plan.editor import CarePlanScreen

__all__ = ["CarePlanScreen"]
