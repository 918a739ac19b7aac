"""Figures of the bureau's own records (数据看板, 月通报): counted from non-sensitive columns only."""
