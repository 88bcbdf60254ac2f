"""The ``roundabout`` command line. Commands only parse options and call the Python API."""
