"""The course's grader: runs each exercise's tests in its own process and reports, in three languages.

Its modules, in the order a newcomer reads them:

    course.py    the course's languages and exercises (exercises/order.toml, exercises/<id>/exercise.toml)
    records.py   the statuses of a test and of an exercise, shared by the plugin and the runner
    plugin.py    the pytest plugin that runs the exercises' tests (exercises/conftest.py loads it)
    run.py       one process per exercise, with a timeout
    report.py    the score table, JSON and Gradescope output
    cli.py       python -m grader (learners), ... report (instructors), ... dev check (maintainers)
    dev.py       dev check: proves every exercise and its tests
"""
