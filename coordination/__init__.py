"""coordination: directives and the tasks they assign, for a provincial People's Committee."""

from pyramid.config import Configurator


def main(global_config, **settings):
    """Paste entry point: assemble the WSGI application from the ini settings."""
    from .memory import freeze_startup_objects

    with Configurator(settings=settings) as config:
        config.include(".config")
    app = config.make_wsgi_app()
    freeze_startup_objects(app.registry.settings)
    return app
