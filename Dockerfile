# roundabout in a container: the CLI, the HTTP API and dashboard, DuckDB and local Spark.
#
#   docker build -t roundabout .
#   docker run --rm -v "$PWD/out:/data" roundabout ingest --format comext /data/extract.parquet
#   docker run --rm -p 8000:8000 -v "$PWD/out:/data" roundabout serve --host 0.0.0.0
#
# The store is /data/roundabout.duckdb ($ROUNDABOUT_DB); mount a volume there to keep it.
# Debian bookworm: its openjdk-17 is the Java the Spark engine is tested with.
FROM python:3.11-slim-bookworm

# The system packages of scripts/bootstrap.sh: Java 17 (Spark), g++/pkg-config/libicu-dev
# (PyICU, which rigour and followthemoney build). Chromium is only for the dashboard tests.
RUN apt-get update -qq \
    && apt-get install -y -qq --no-install-recommends \
        openjdk-17-jre-headless g++ pkg-config libicu-dev \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /src
COPY requirements.lock pyproject.toml README.md LICENSE ./
COPY src ./src
# The runtime and Spark dependencies only (no test tools), at the versions of the lock file.
RUN pip install --no-cache-dir -c requirements.lock '.[spark]' \
    && useradd --create-home --uid 1000 roundabout \
    && mkdir /data && chown roundabout /data

USER roundabout
WORKDIR /data
ENV ROUNDABOUT_DB=/data/roundabout.duckdb
EXPOSE 8000
ENTRYPOINT ["roundabout"]
CMD ["--help"]
