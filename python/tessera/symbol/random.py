"""Symbol constructors of _random_<name> and _sample_<name> operators."""
