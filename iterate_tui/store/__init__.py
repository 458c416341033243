"""The only code that knows TinyDB: atomic storage, the lock, backups, schema, repository."""
