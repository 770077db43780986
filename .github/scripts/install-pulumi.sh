#!/usr/bin/env bash
# Installs the Pulumi CLI of .pulumi-version (the one version the workflows, README and the offline
# checks use) from its GitHub release, and puts it on the job's PATH.
set -euo pipefail
version="$(tr -d '[:space:]' < .pulumi-version)"
dir="$RUNNER_TEMP/pulumi-$version"
mkdir -p "$dir"
curl -fsSL "https://github.com/pulumi/pulumi/releases/download/v${version}/pulumi-v${version}-linux-x64.tar.gz" |
  tar -xz -C "$dir" --strip-components=1
echo "$dir" >> "$GITHUB_PATH"
"$dir/pulumi" version
