"""Storage: the SQL schema, migrations, note encryption and per-person queries."""
