"""Administration: letter templates (staff, practice details and the audit viewer to come)."""
