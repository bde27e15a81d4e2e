"""Every registered operator without a name prefix, as symbol constructors (register.py)."""
