#!/bin/bash
# The schema, as its owner: sql/V001__... and later scripts in name order.
set -euo pipefail
for script in /spotmatch/sql/V*.sql; do
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" -f "$script"
done
