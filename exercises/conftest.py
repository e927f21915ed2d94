"""The exercises are graded by the course's pytest plugin, grader/plugin.py."""

pytest_plugins = ["grader.plugin"]
