"""Symbol constructors of _contrib_<name> operators (MXNet's mx.sym.contrib)."""
