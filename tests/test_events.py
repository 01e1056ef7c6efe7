from collections import defaultdict

from coordination import events


def test_published_events_reach_their_subscribers_in_order_and_only_theirs(monkeypatch):
    # an empty registry: the application's own subscribers (reminders) are not under test here
    monkeypatch.setattr(events, "_handlers", defaultdict(list))
    seen = []

    @events.subscriber(events.TaskEvent)
    def first(dbsession, event):
        seen.append(("first", event.task_id))

    @events.subscriber(events.TaskEvent)
    def second(dbsession, event):
        seen.append(("second", event.action))

    try:
        events.publish(None, events.TaskEvent(task_id=7, action="acknowledge"))
        events.publish(None, events.DirectiveIssued(directive_id=1, task_ids=(1,)))
        assert seen == [("first", 7), ("second", "acknowledge")]
    finally:
        events._handlers[events.TaskEvent].remove(first)
        events._handlers[events.TaskEvent].remove(second)
