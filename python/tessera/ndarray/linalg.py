"""Operators registered as _linalg_<name> (MXNet's mx.nd.linalg)."""
