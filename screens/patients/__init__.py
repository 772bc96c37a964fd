"""The patients area: the list (home), the summary and its sections, the patient form,
episodes and prescriptions, family and health records."""
