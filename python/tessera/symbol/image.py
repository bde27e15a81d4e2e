"""Symbol constructors of _image_<name> operators."""
