"""Database read and write paths. Services flush; the request or CLI command commits."""
