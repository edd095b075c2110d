"""The exchange's web layer: the JSON API (``api``) and the pages (``pages``)."""
