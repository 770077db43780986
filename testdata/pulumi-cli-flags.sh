#!/usr/bin/env bash
# Regenerates pulumi-cli-flags.txt from the Pulumi CLI on PATH (for example the offline kit's:
# source /tmp/pulumi-offline/env.sh). Run from the repository root.
set -euo pipefail
out=testdata/pulumi-cli-flags.txt
{
  echo "# Flags of the Pulumi CLI subcommands the docs use, from \`pulumi <subcommand> --help\` of Pulumi $(pulumi version)."
  echo "# Regenerate with testdata/pulumi-cli-flags.sh when the CLI the docs target changes."
  for c in "config set" "config get" "destroy" "login" "policy publish" "preview" "refresh" "stack" "stack export" \
    "stack change-secrets-provider" "stack history" "stack init" "stack output" "stack rm" "stack select" "state unprotect" "up" "version" "whoami"; do
    # shellcheck disable=SC2086
    flags=$(pulumi $c --help 2>/dev/null | sed -n '/^Flags:/,$p' | grep -oE '^\s+(-[a-zA-Z], )?--[a-z0-9-]+' |
      sed -E 's/^\s+//; s/, / /' | tr '\n' ' ')
    echo "$c: $flags"
  done
} > "$out"
