"""The API's routers, one file each; :func:`roundabout.api.app.create_app` includes them.

Routes only orchestrate: validate the request (:mod:`roundabout.api.models`), call the
backend (:mod:`roundabout.api.service`), and answer a model of
:mod:`roundabout.api.responses`; errors are raised typed (:mod:`roundabout.api.errors`).
"""
