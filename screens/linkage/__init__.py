"""Recovery linkage: the resources directory, a patient's links and their outcomes."""
