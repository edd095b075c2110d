"""Courses as JSON-ready objects for the API (and anything else that speaks JSON)."""

from __future__ import annotations

from typing import Any

from .models import Course, CourseVersion


def course_summary(course: Course) -> dict[str, Any]:
    content = course.current_version.content
    return {
        "id": course.key,
        "course_id": course.course_id,
        "provider": {"id": course.provider.id, "name": course.provider.name},
        "title": content["title"],
        "url": content["url"],
        "credit": content["credit"],
        "level": content["level"],
        "subjects": content["subjects"],
        "mode": content["mode"],
        "schedule": content.get("schedule"),
        "status": course.status.value,
    }


def course_record(course: Course) -> dict[str, Any]:
    version = course.current_version
    record = {key: value for key, value in version.content.items() if key != "extensions"}
    record.update(course_summary(course))
    record.update(
        withdrawn_at=course.withdrawn_at,
        version=version_reference(version, course),
        completeness=version.completeness,
        missing=version.missing,
    )
    return record


def version_reference(version: CourseVersion, course: Course) -> dict[str, Any]:
    """How to cite a version. The current version was last seen when its course was; a replaced one
    when it was replaced."""
    last_seen = course.last_seen if version.id == course.current_version_id else version.last_seen
    return {
        "id": version.id,
        "content_hash": version.content_hash,
        "first_seen": version.first_seen.isoformat(),
        "last_seen": last_seen.isoformat(),
    }
