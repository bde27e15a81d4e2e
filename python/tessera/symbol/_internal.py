"""Symbol constructors of operators whose MXNet names start with an underscore."""
