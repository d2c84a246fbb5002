"""Initial schema: stations, parts (images by reference), defects, decisions.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stations",
        sa.Column("station_id", sa.String(16), primary_key=True),
        sa.Column("light", sa.String(32), nullable=False),
    )
    op.create_table(
        "parts",
        sa.Column("part_id", sa.String(32), primary_key=True),
        sa.Column("line", sa.String(32), nullable=False),
        sa.Column("material", sa.String(32), nullable=False),
        sa.Column("station_id", sa.String(16), sa.ForeignKey("stations.station_id"),
                  nullable=False),
        sa.Column("inspected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("image_uri", sa.String(200), nullable=False),
        sa.Column("frame_index", sa.Integer, nullable=False),
        sa.Column("mm_per_px", sa.Float, nullable=False),
        sa.Column("label", sa.String(32), nullable=False),
    )
    op.create_table(
        "defects",
        sa.Column("defect_id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("part_id", sa.String(32), sa.ForeignKey("parts.part_id"), nullable=False),
        sa.Column("defect_type", sa.String(32), nullable=False),
        sa.Column("size_mm", sa.Float, nullable=True),
        sa.Column("area_mm2", sa.Float, nullable=True),
    )
    op.create_index("ix_defects_part", "defects", ["part_id"])
    op.create_table(
        "decisions",
        sa.Column("part_id", sa.String(32), sa.ForeignKey("parts.part_id"), primary_key=True),
        sa.Column("verdict", sa.String(8), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("inspector", sa.String(32), nullable=False),
        sa.Column("contrast_sigma", sa.Float, nullable=True),
        sa.CheckConstraint("verdict IN ('pass', 'reject')", name="ck_decisions_verdict"),
    )


def downgrade() -> None:
    op.drop_table("decisions")
    op.drop_index("ix_defects_part", table_name="defects")
    op.drop_table("defects")
    op.drop_table("parts")
    op.drop_table("stations")
