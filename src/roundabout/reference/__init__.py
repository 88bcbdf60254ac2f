"""Reference data bundled with roundabout: countries, HS nomenclature, goods lists."""
