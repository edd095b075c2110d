#!/bin/sh
# Start a throwaway Elasticsearch, run the search contract suite against it, and tear it down.
# Usage (from anywhere): deploy/elasticsearch/run-contract-tests.sh [extra pytest arguments]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
compose="docker compose -f $here/compose.yaml"
trap '$compose down -v' EXIT
$compose up -d --wait
cd "$root"
CF_TEST_ELASTICSEARCH_URL=http://127.0.0.1:9200 .venv/bin/python -m pytest tests/directory/search -k elasticsearch "$@"
