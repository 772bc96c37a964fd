"""Administration: staff, practice details, letter templates, the audit log."""
