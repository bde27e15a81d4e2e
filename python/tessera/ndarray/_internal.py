"""Operators whose MXNet names start with an underscore (scalar forms, backward ops)."""
