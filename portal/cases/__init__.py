"""Typical cases (典型案例)."""
