"""Index parts by (station_id, inspected_at): a station's recent parts without a full scan.

The line's most frequent question, "what did station S decide since time T", filters on both
columns; without the index every query reads the whole parts table.

Revision ID: 0002
Revises: 0001
"""

from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_parts_station_inspected", "parts", ["station_id", "inspected_at"])


def downgrade() -> None:
    op.drop_index("ix_parts_station_inspected", table_name="parts")
