"""coordination: directives and the tasks they assign, for a provincial People's Committee."""

from pyramid.config import Configurator


def main(global_config, **settings):
    """Paste entry point: assemble the WSGI application from the ini settings."""
    with Configurator(settings=settings) as config:
        config.include(".config")
    return config.make_wsgi_app()
