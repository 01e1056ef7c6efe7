"""Consolidated progress reports: the data model, its formats (XLSX, CSV, DOCX, PDF), the dashboard
charts and stored monthly reports.

Everything here works from the plain data of ``model.py``; what is left to wire is the database:

- ``queries.py`` (to write, on top of the task lifecycle) fills the model as of a cut-off date::

      build_report(dbsession, scope: ReportScope, as_of: date, letterhead: Letterhead) -> ConsolidatedReport
      task_rows(dbsession, scope, as_of) -> Iterator[TaskRow]       # stream (yield_per), never a list
      monthly_trend(dbsession, scope, months: int) -> list[MonthPoint]

  following the counting rules in ``model.py``'s docstring (lead agency only, cancelled excluded,
  the four timeliness class values of ``coordination.tasks.models``).
- views then call one function each: ``responses.xlsx_response(report, task_rows(...))``,
  ``responses.csv_response(task_rows(...), as_of)``, ``responses.docx_response(report)``,
  ``responses.pdf_response(report, settings)`` (map ``pdf.ConversionError`` to a 503 page),
  ``charts.timeliness_by_agency(report.agencies, url_for)`` and ``charts.monthly_trend(points, url_for)``
  for the dashboard (inline with ``${structure: svg}``), and the monthly job
  ``storage.store_report(dbsession, report, settings, task_rows=...)``.
"""


def includeme(config):
    config.add_route("report_stored_file", r"/reports/stored/{id:\d+}/{format:docx|xlsx|pdf}")
    config.scan(".views")
