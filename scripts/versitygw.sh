#!/bin/sh
# Installs Versity Gateway v1.8.0 when absent and prints the path of the binary.
# Usage: scripts/versitygw.sh   (scripts/test.sh exports VERSITYGW_BIN from it)
set -eu
VERSION=v1.8.0
repo=$(cd "$(dirname "$0")/.." && pwd)
if [ -n "${VERSITYGW_BIN:-}" ] && [ -x "$VERSITYGW_BIN" ]; then
	echo "$VERSITYGW_BIN"
	exit 0
fi
if p=$(command -v versitygw 2>/dev/null); then
	echo "$p"
	exit 0
fi
bin="$repo/.cache/bin"
if [ ! -x "$bin/versitygw" ]; then
	mkdir -p "$bin"
	echo "installing versitygw $VERSION into $bin (about a minute)" >&2
	GOBIN="$bin" go install "github.com/versity/versitygw/cmd/versitygw@$VERSION" >&2
fi
echo "$bin/versitygw"
