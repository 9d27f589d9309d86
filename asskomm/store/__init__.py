"""The database: engine and schema, records and audit log, accounts, editing and vocabulary."""
