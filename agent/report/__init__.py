"""The report: the seed's Output Schema, filled from measurements only."""
