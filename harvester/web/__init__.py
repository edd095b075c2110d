"""The harvester's web layer: the member API for publishing and run reports (``api``) and the "My
catalogue" pages (``pages``). ``directory.app`` registers both."""
