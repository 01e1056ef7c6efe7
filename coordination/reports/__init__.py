"""Consolidated progress reports: the data model, its formats (XLSX, CSV, DOCX, PDF), the dashboard
charts and stored monthly reports.

The figures come from ``queries.py`` (filled from the task lifecycle); everything else here works
from the plain data of ``model.py``.
"""


def includeme(config):
    config.add_route("report_stored_file", r"/reports/stored/{id:\d+}/{format:docx|xlsx|pdf}")
    config.scan(".views")
