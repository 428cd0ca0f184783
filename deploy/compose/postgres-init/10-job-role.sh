#!/bin/bash
# First start of the compose PostgreSQL: the job's own role, before the schema, so that the default
# privileges below also cover every table the schema scripts (and later migrations) create.
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
    -v job_password="$SPOTMATCH_JDBC_PASSWORD" -f /docker-entrypoint-initdb.d/job-role.psql
