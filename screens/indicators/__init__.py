"""The practice indicators area: the recovery dashboard and its gap lists."""
