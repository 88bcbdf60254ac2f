"""Reading the matching package's YAML data files with libyaml when PyYAML has it.

PyYAML's pure-Python loader takes 25 ms for the three data files (legal forms, the
organisation vocabulary, the rules), a twentieth of screening one name from the command line;
its C loader (``CSafeLoader``, PyYAML built with libyaml, as the wheels are) reads them in 3 ms
into the same objects (``tests/matching/test_yaml_data.py`` checks every data file both ways).
Without libyaml, the pure-Python safe loader is used.
"""

from __future__ import annotations

from typing import Any

import yaml

_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """``yaml.safe_load(text)``, with the C loader when available."""
    return yaml.load(text, Loader=_LOADER)
