"""Pathways: published routes to a target award, and the learner's climbing-frame planner."""
