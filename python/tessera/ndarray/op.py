"""Every registered operator without a name prefix, generated at import (register.py)."""
