"""The pharmacy directory: community pharmacies and their postal addresses."""
