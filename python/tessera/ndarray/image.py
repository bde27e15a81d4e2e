"""Operators registered as _image_<name> (MXNet's mx.nd.image)."""
