"""Consolidated progress reports: the report as of a cut-off date (``queries``), its formats (XLSX,
CSV, DOCX, PDF), the leadership dashboard, the JSON API, and the monthly report kept as issued.

Modules: ``model`` (the report as plain data, the counting rules), ``scope`` (which tasks, who may
see what), ``units`` (the units of a scope as of a date, in SQL, kept once per transaction),
``queries`` (``build_report``, ``monthly_trend``), ``tasksheet`` (``task_rows``), ``readahead``
(the task sheet read on a second connection in the same snapshot), ``dashboard``, ``tasklist``
(the tasks behind a figure), ``params`` (a report request from query parameters), ``service``
(what the views call), the formats
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
    from ..directives.openapi import add_api_paths

    add_api_paths(config, {"/api/v1/reports/consolidated": {"get": {
        "summary": "The consolidated report (báo cáo tổng hợp) of a scope as of a cut-off date; an agency "
                   "head or officer gets only their agency's figures",
        "parameters": [
            {"name": name, "in": "query", "required": False, "schema": schema, "description": text}
            for name, schema, text in (
                ("directive", {"type": "integer"}, "one directive (id)"),
                ("issuer", {"type": "string"}, "directives of an issuing agency (code)"),
                ("agency", {"type": "string"}, "one lead agency (code)"),
                ("type", {"type": "string"}, "document type code"),
                ("signer", {"type": "string"}, "signer's name"),
                ("from", {"type": "string", "format": "date"}, "directives dated from"),
                ("to", {"type": "string", "format": "date"}, "directives dated until"),
                ("as_of", {"type": "string", "format": "date"}, "cut-off date (default today)"),
                ("format", {"type": "string", "enum": ["json", "csv", "xlsx", "docx", "pdf"]}, "default json"),
            )
        ],
        "responses": {
            "200": {"description": "the report (JSON) or the file in the asked format",
                    "content": {"application/json": {"schema": {"type": "object"}}}},
            **{str(code): {"description": text, "content": {"application/json": {
                "schema": {"$ref": "#/components/schemas/Error"}}}}
               for code, text in ((400, "invalid parameters"), (401, "not authenticated"), (403, "not allowed"))},
        },
    }}})
