"""Pure clinical rules and shared vocabulary: no database, no Textual."""
