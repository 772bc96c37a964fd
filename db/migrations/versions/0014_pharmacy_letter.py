"""The pharmacy letter's facts: the product, the instalment days, the pharmacy directory

`pharmacy` is the practice's small directory of community pharmacies with their postal
address (the pharmacy letter goes in a window envelope). Each prescription row gains the
product's form and strength (`product`, or `product_text` typed for "other"), the
instalment (pick-up) days and which of them are supervised (`pickup_days`,
`supervised_days`, as "mon,wed,fri"), and the directory's pharmacy (`pharmacy_id`; the
free-text `pharmacy` column stays as the name shown in the record). Existing rows keep
empty values: a pharmacy letter is refused until a clinician records them.
`ix_patient_recovery_start` serves the worklist's recovery milestones coming up.

Revision ID: 0014_pharmacy_letter
Revises: 0013_template_history
Create Date: 2026-12-02 17:10:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

revision: str = "0014_pharmacy_letter"
down_revision: str | None = "0013_template_history"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _text(name: str, length: int) -> sa.Column[str]:
    return sa.Column(
        name, sqlmodel.sql.sqltypes.AutoString(length=length), nullable=False, server_default=""
    )


def upgrade() -> None:
    op.create_index(op.f("ix_patient_recovery_start"), "patient", ["recovery_start"])
    op.create_table(
        "pharmacy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("name_key", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("address_line_1", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("address_line_2", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("town", sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column("postcode", sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column("phone", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pharmacy")),
    )
    op.create_index(op.f("ix_pharmacy_name_key"), "pharmacy", ["name_key"], unique=False)
    with op.batch_alter_table("prescription", schema=None) as batch_op:
        batch_op.add_column(_text("product", 40))
        batch_op.add_column(_text("product_text", 120))
        batch_op.add_column(_text("pickup_days", 30))
        batch_op.add_column(_text("supervised_days", 30))
        batch_op.add_column(sa.Column("pharmacy_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_prescription_pharmacy_id"), ["pharmacy_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_prescription_pharmacy_id_pharmacy"), "pharmacy", ["pharmacy_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("prescription", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_prescription_pharmacy_id_pharmacy"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_prescription_pharmacy_id"))
        batch_op.drop_column("pharmacy_id")
        batch_op.drop_column("supervised_days")
        batch_op.drop_column("pickup_days")
        batch_op.drop_column("product_text")
        batch_op.drop_column("product")
    op.drop_index(op.f("ix_pharmacy_name_key"), table_name="pharmacy")
    op.drop_table("pharmacy")
    op.drop_index(op.f("ix_patient_recovery_start"), table_name="patient")
