"""Uploads (uploads), reading them (extraction), the source library (library)."""
