"""The Whoosh index: schema, Swedish analyzer, writing and searching."""
