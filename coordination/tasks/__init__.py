"""Domain package; the foundation lays down its models, later issues add routes and views."""


def includeme(config):
    pass
