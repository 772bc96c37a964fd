"""Letters: choose a template, preview, produce and print."""
