"""``routes.url_maker``: the same URLs as ``request.route_url``, the route looked up once."""

import pytest
from pyramid.request import Request

from coordination.routes import url_maker


@pytest.fixture
def request_(app):
    # behind a path prefix, as a reverse proxy may mount it
    request = Request.blank("/", base_url="http://example.com/giao-viec")
    request.registry = app.registry
    return request


@pytest.mark.parametrize("ident", [1, 42, 1_000_001])
def test_url_maker_makes_what_route_url_makes(request_, ident):
    make = url_maker(request_, "task_page")
    assert make(id=ident) == request_.route_url("task_page", id=ident) == f"http://example.com/giao-viec/tasks/{ident}"


def test_url_maker_quotes_what_route_url_quotes(request_):
    assert url_maker(request_, "api_task")(id="1 2/3") == request_.route_url("api_task", id="1 2/3")


def test_url_maker_refuses_an_unknown_route(request_):
    with pytest.raises(ValueError, match="no_such_route"):
        url_maker(request_, "no_such_route")
