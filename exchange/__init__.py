"""The credit exchange: mutual-recognition agreements, credit transfer requests, the learner's credit
ledger and the hash-chained audit log. ``rules.py`` is the pure pre-assessment the pathway planner shares."""
