"""The schema's revisions, oldest first: 0001 is the schema digest made with create_all before Alembic."""
