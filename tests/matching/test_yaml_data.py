"""The C YAML loader reads every data file of the matching package as the Python one does."""

from importlib import resources

import yaml

from roundabout.matching import yaml_data


def test_every_data_file_reads_the_same_with_either_loader() -> None:
    files = [
        f
        for f in resources.files("roundabout.matching").joinpath("data").iterdir()
        if f.name.endswith((".yml", ".yaml"))
    ]
    assert len(files) >= 3
    for f in files:
        text = f.read_text("utf-8")
        assert yaml_data.safe_load(text) == yaml.safe_load(text), f.name
