"""Credit transfer requests: submission (idempotent), the automatic pre-assessment, and the decision
workflow (decide, withdraw, appeal) with optimistic locking."""
