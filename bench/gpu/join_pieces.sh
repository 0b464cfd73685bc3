#!/usr/bin/env bash
# Joins the artifact pieces that make_bundle.sh's `large` part split over
# the folders <bundle>-piece1, -piece2, ... (each carried to the GPU machine
# in a call of its own) into <bundle>/models/. Run from anywhere; fails,
# naming the artifact, if a piece is missing.
set -euo pipefail
cd "$(dirname "$0")"
here=$(basename "$PWD")
mkdir -p models
shopt -s nullglob
firsts=(../"$here"-piece*/models/*.piece00)
if [ ${#firsts[@]} -eq 0 ]; then
  echo "join_pieces: no pieces under ../$here-piece*/models" >&2
  exit 1
fi
for first in "${firsts[@]}"; do
  name=$(basename "$first" .piece00)
  # The pieces in order of their suffix, wherever each was carried.
  pieces=$(for f in ../"$here"-piece*/models/"$name".piece*; do
             echo "$(basename "$f") $f"; done | sort | cut -d' ' -f2)
  count=$(echo "$pieces" | wc -l)
  last=$(echo "$pieces" | tail -1)
  if [ "$(basename "$last")" != "$name.piece$(printf %02d $((count - 1)))" ]; then
    echo "join_pieces: $name: a piece is missing (have $count, last $(basename "$last"))" >&2
    exit 1
  fi
  cat $pieces > "models/$name.tmp" && mv "models/$name.tmp" "models/$name"
  echo "join_pieces: $name from $count pieces ($(du -h "models/$name" | cut -f1))"
done
