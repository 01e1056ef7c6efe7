"""Consolidated progress reports: the report as of a cut-off date (``queries``), its formats (XLSX,
CSV, DOCX, PDF), the leadership dashboard, the JSON API, and the monthly report kept as issued.

Modules: ``model`` (the report as plain data, the counting rules), ``scope`` (which tasks, who may
see what), ``units`` (the units of a scope as of a date, in SQL), ``queries`` (``build_report``,
``task_rows``, ``monthly_trend``), ``dashboard``, ``tasklist`` (the tasks behind a figure),
``params`` (a report request from query parameters), ``service`` (what the views call), the formats
(``xlsx``, ``csv``, ``docx``, ``pdf``, ``charts``, ``responses``), ``storage`` and ``monthly``.
"""

from .resources import ReportsResource


def includeme(config):
    config.add_route("dashboard", "/dashboard", factory=ReportsResource)
    config.add_route("reports", "/reports", factory=ReportsResource)
    config.add_route("report_consolidated", "/reports/consolidated", factory=ReportsResource)
    config.add_route("report_tasks", "/reports/tasks", factory=ReportsResource)
    config.add_route("report_stored_file", r"/reports/stored/{id:\d+}/{format:docx|xlsx|pdf}")
    config.add_route("api_reports_consolidated", "/api/v1/reports/consolidated", factory=ReportsResource)
    config.scan(".views")
    config.scan(".api")
