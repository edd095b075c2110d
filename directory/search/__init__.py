"""Course search: our query model, one backend interface, tantivy (embedded) and Elasticsearch."""
