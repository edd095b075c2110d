"""Mutual-recognition agreements between members: versioned terms, approvals bound to a hash of the
terms, and a lifecycle (draft -> proposed -> active -> suspended / expired / terminated)."""
