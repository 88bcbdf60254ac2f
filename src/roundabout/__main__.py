"""``python -m roundabout``: the CLI, also the file to give ``spark-submit``."""

from roundabout.cli.main import main

if __name__ == "__main__":
    main()
