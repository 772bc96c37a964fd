"""Database layer: SQLModel tables, the engine factory, migrations and queries."""
