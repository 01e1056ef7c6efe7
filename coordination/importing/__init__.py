"""Directive import: read a directive's text and propose its header and tasks."""
