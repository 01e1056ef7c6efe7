"""The objects a process makes while starting, kept out of the cyclic garbage collector's way.

A started process holds ≈ 140,000 long-lived objects (modules, classes, SQLAlchemy's mappers and
compiled statements, Pyramid's registry, templates). Every full collection of Python's cyclic
garbage collector walks all of them: ≈ 70–100 ms on the reference machine, and a request or a sweep
that allocates many short-lived objects (rows, tuples) triggers one now and then, at random. Measured
on the deadline sweep's read of 10,000 due tasks: 65–170 ms with the collector as it is, a steady
65–90 ms once the start-up objects are frozen (``bench/RESULTS.md``, 7 December 2026).

``gc.freeze()`` moves every object alive now into a permanent generation that collections skip;
they are still freed by reference counting. What it costs: a reference cycle among frozen objects
that is dropped later is never collected, which is why it is done once, after start-up, in the
served processes and the scheduler (setting ``gc.freeze = true``), and not in tests, which build
and drop many applications in one process.
"""

from __future__ import annotations

import gc

from pyramid.settings import asbool

SETTING = "gc.freeze"


def freeze_startup_objects(settings) -> int:
    """If ``gc.freeze`` is on: collect what start-up left as garbage, then freeze the rest. Returns
    the number of objects frozen (0 when the setting is off)."""
    if not asbool(settings.get(SETTING, False)):
        return 0
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()
