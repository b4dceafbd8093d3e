#!/usr/bin/env bash
# compile-commands.sh "CC FLAGS" FILE... : compile_commands.json for editors (clangd), one entry
# per user-space file with the flags the Makefile uses.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cmd=$1
shift
sep=""
echo "["
for f in "$@"; do
	printf '%s  {"directory": "%s", "file": "%s", "command": "%s -c %s"}' \
		"$sep" "$top" "$f" "$cmd" "$f"
	sep=$',\n'
done
echo
echo "]"
