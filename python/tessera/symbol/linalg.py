"""Symbol constructors of _linalg_<name> operators."""
