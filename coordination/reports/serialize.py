"""The consolidated report as JSON (``GET /api/v1/reports/consolidated?format=json``).

Field names are the domain's; rates are fractions in [0, 1] (null when nothing has fallen due),
dates ISO 8601, the four classes named by their codes (``completed_on_time``...).
"""

from __future__ import annotations

from .model import AgencyFigures, ConsolidatedReport, OverdueTask, TargetStatus


def _date(value):
    return value.isoformat() if value is not None else None


def figures_json(f: AgencyFigures) -> dict:
    return {
        "agency_id": f.agency_id,
        "agency_code": f.agency_code,
        "agency_name": f.agency_name,
        "assigned": f.assigned,
        "completed_on_time": f.on_time,
        "completed_late": f.late,
        "open_within_deadline": f.within,
        "overdue": f.overdue,
        "on_time_rate": f.on_time_ratio,
        "average_days_overdue": f.average_days_overdue,
        "extensions_granted": f.extensions_granted,
        "escalations_open": f.escalations_open,
    }


def overdue_json(t: OverdueTask) -> dict:
    return {
        "task_id": t.task_id,
        "directive_number": t.directive_number,
        "directive_date": _date(t.directive_date),
        "paragraph": t.paragraph,
        "content": t.content,
        "lead": t.lead,
        "coordinating": list(t.coordinating),
        "deadline_in_force": _date(t.deadline_in_force),
        "days_overdue": t.days_overdue,
        "latest_progress": t.latest_progress,
        "latest_percent": t.latest_percent,
    }


def target_json(t: TargetStatus) -> dict:
    return {
        "indicator": t.indicator,
        "unit": t.unit,
        "target": t.target,
        "target_date": _date(t.target_date),
        "latest_value": t.latest_value,
        "reported_on": _date(t.reported_on),
        "lead": t.lead,
        "directive_number": t.directive_number,
        "higher_is_better": t.higher_is_better,
        "reached": t.reached,
    }


def report_json(report: ConsolidatedReport) -> dict:
    return {
        "title": report.title,
        "scope": report.scope.to_json(),
        "as_of": report.as_of.isoformat(),
        "dated": report.dated.isoformat(),
        "total": {k: v for k, v in figures_json(report.total).items() if not k.startswith("agency_")},
        "agencies": [figures_json(f) for f in report.agencies],
        "ranking": [{"rank": e.rank, "agency_code": e.figures.agency_code, "agency_name": e.figures.agency_name,
                     "on_time_rate": e.figures.on_time_ratio, "overdue": e.figures.overdue} for e in report.ranking],
        "overdue_tasks": [overdue_json(t) for t in report.overdue_tasks],
        "targets": [target_json(t) for t in report.targets],
    }
