#!/usr/bin/env bash
# Posts (or updates) one comment per stack on the pull request with the preview's outcome and output,
# failed previews included: pulumi/actions comments only on success. Usage: comment.sh STACK OUTCOME FILE
set -euo pipefail
stack="$1" outcome="$2" file="$3"
marker="<!-- tastylog-preview:${stack} -->"
icon="✅"; [ "$outcome" = "success" ] || icon="❌"
body="$(printf '%s\n%s `pulumi preview` of **%s**: %s\n\n<details><summary>output</summary>\n\n```\n%s\n```\n</details>\n' \
  "$marker" "$icon" "$stack" "$outcome" "$(tail -c 60000 "$file" 2>/dev/null || echo 'no output')")"
id="$(gh api "repos/$GITHUB_REPOSITORY/issues/$PR/comments" --paginate --jq ".[] | select(.body | startswith(\"$marker\")) | .id" | head -1)"
if [ -n "$id" ]; then
  gh api --method PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$id" -f body="$body" >/dev/null
else
  gh api --method POST "repos/$GITHUB_REPOSITORY/issues/$PR/comments" -f body="$body" >/dev/null
fi
