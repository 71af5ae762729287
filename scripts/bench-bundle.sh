#!/usr/bin/env bash
# Builds the release bundle and prints raw, gzip -9 and brotli -q 11 sizes per file and in total.
# The initial load is html+js+wasm+css plus the catalogs of one language (the console fetches only
# the current language's: locales/<lang>.json and locales/problems/<lang>.json); the total counts
# English, and the Chinese catalogs are printed beside it. Budget: the total at most 250 kB brotli.
set -euo pipefail
source "$(dirname "$0")/setup.sh"
ensure_build_tools
apt_install brotli
build_bundle
cd "$ROOT/dist"
budget=250000
total_raw=0 total_gz=0 total_br=0
printf '%-44s %10s %10s %10s\n' file raw gzip brotli
for f in $(find . -type f \( -name '*.html' -o -name '*.js' -o -name '*.wasm' -o -name '*.css' \) | sort); do
  raw=$(stat -c %s "$f")
  gz=$(gzip -9 -c "$f" | wc -c)
  br=$(brotli -q 11 -c "$f" | wc -c)
  printf '%-44s %10d %10d %10d\n' "${f#./}" "$raw" "$gz" "$br"
  total_raw=$((total_raw + raw)) total_gz=$((total_gz + gz)) total_br=$((total_br + br))
done
for lang in en zh-CN; do
  lraw=0 lgz=0 lbr=0
  for f in "locales/$lang.json" "locales/problems/$lang.json"; do
    raw=$(stat -c %s "$f")
    gz=$(gzip -9 -c "$f" | wc -c)
    br=$(brotli -q 11 -c "$f" | wc -c)
    printf '%-44s %10d %10d %10d\n' "$f" "$raw" "$gz" "$br"
    lraw=$((lraw + raw)) lgz=$((lgz + gz)) lbr=$((lbr + br))
  done
  if [ "$lang" = en ]; then
    total_raw=$((total_raw + lraw)) total_gz=$((total_gz + lgz)) total_br=$((total_br + lbr))
    en_br=$lbr
  else
    zh_delta_br=$((lbr - en_br))
  fi
done
printf '%-44s %10d %10d %10d\n' "TOTAL (initial load in English)" "$total_raw" "$total_gz" "$total_br"
echo "in Chinese the catalogs differ by $zh_delta_br bytes brotli; the other language is never loaded"
if [ "$total_br" -le "$budget" ]; then
  echo "brotli total $total_br bytes is within the $budget-byte budget"
else
  echo "brotli total $total_br bytes is OVER the $budget-byte budget" >&2
  exit 1
fi
