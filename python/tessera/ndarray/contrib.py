"""Operators registered as _contrib_<name> (MXNet's mx.nd.contrib)."""
