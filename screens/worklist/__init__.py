"""The worklist: reviews, check-ups and follow-ups due, and batch recall letters."""
