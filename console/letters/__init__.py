"""Letters: templates with named fields, ReportLab rendering, private files and printing.

Nothing here imports ReportLab at module level except `render`, which the letters
service imports only when a letter is made (start-up stays free of it).
"""
