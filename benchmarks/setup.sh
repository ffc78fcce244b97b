#!/usr/bin/env bash
# Set-up benchmark (issue 18, item 4): a fresh clone to its first report, as a new user does it.
#
# For each installer (pip, the baseline: `make venv INSTALLER=pip`; uv: `make venv`) and each
# cache state (cold: an empty cache; warm: the cache the cold run just filled), in a new clone:
#
#   setup   `make venv`       creates .venv from requirements.lock (the install)
#   cpu     the processor time of `make venv` (user + system): on a busy shared machine the wall
#           times above grow with the load, this much less
#   first   the first report's HTML appears in outputs/ (from the start of the clone)
#   total   `make reports` has finished: every report of the plan built (from the start)
#
# The caches are temporary folders (UV_CACHE_DIR, PIP_CACHE_DIR), so the user's own caches are
# neither used nor emptied: "cold" is what `uv cache clean` / `pip cache purge` would give.
# Prints the times and the ratio pip/uv of each column, measured in the same run.
#
#   bash benchmarks/setup.sh            # this repository (its committed HEAD), all four runs
#   bash benchmarks/setup.sh REPO uv    # another clone source; only the uv runs
set -euo pipefail
REPO=${1:-$(cd "$(dirname "$0")/.." && pwd)}
ONLY=${2:-}
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT

now() { date +%s.%N; }

# run INSTALLER CACHE: prints "setup first total cpu" in seconds
run() {
  local installer=$1 cache=$2 dir="$SCRATCH/clone-$1-$2" start t_setup t_first="" t_total t_cpu
  export UV_CACHE_DIR="$SCRATCH/cache-$installer/uv" PIP_CACHE_DIR="$SCRATCH/cache-$installer/pip"
  if [[ $cache == cold ]]; then rm -rf "$SCRATCH/cache-$installer"; fi
  mkdir -p "$UV_CACHE_DIR" "$PIP_CACHE_DIR"
  start=$(now)
  git clone --quiet "$REPO" "$dir"
  local make_installer=auto
  [[ $installer == pip ]] && make_installer=pip
  /usr/bin/time -f '%U + %S' -o "$SCRATCH/cpu" \
    make -C "$dir" --no-print-directory venv INSTALLER=$make_installer > "$SCRATCH/$installer-$cache.log" 2>&1
  t_setup=$(echo "$(now) - $start" | bc)
  t_cpu=$(bc < "$SCRATCH/cpu")
  make -C "$dir" --no-print-directory reports >> "$SCRATCH/$installer-$cache.log" 2>&1 &
  local pid=$!
  while kill -0 "$pid" 2>/dev/null; do
    if [[ -z $t_first ]] && compgen -G "$dir/outputs/*.html" >/dev/null \
        && ls "$dir"/outputs/*.html | grep -qv '/index.html$'; then
      t_first=$(echo "$(now) - $start" | bc)
    fi
    sleep 0.1
  done
  if ! wait "$pid"; then
    echo "make reports failed ($installer, $cache cache); log:" >&2
    tail -20 "$SCRATCH/$installer-$cache.log" >&2
    exit 1
  fi
  t_total=$(echo "$(now) - $start" | bc)
  [[ -n $t_first ]] || t_first=$t_total
  grep -E "^installed|^installing" "$SCRATCH/$installer-$cache.log" | head -1 >&2
  rm -rf "$dir"
  printf '%s %s %s %s\n' "$t_setup" "$t_first" "$t_total" "$t_cpu"
}

declare -A result
for cache in cold warm; do
  for installer in pip uv; do
    if [[ -n $ONLY && $installer != "$ONLY" ]]; then continue; fi
    echo "fresh clone, $installer, $cache cache ..." >&2
    result[$installer-$cache]=$(run "$installer" "$cache")
  done
done

echo
echo "Fresh clone of $REPO to reports, $(nproc) cores ($(date -I)), load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %-5s %10s %14s %14s %12s\n' installer cache "setup s" "first report s" "all reports s" "setup cpu s"
for cache in cold warm; do
  for installer in pip uv; do
    [[ -n ${result[$installer-$cache]:-} ]] || continue
    read -r s f t c <<< "${result[$installer-$cache]}"
    printf '%-6s %-5s %10.1f %14.1f %14.1f %12.1f\n' "$installer" "$cache" "$s" "$f" "$t" "$c"
  done
done
for cache in cold warm; do
  [[ -n ${result[pip-$cache]:-} && -n ${result[uv-$cache]:-} ]] || continue
  read -r ps pf pt pc <<< "${result[pip-$cache]}"
  read -r us uf ut uc <<< "${result[uv-$cache]}"
  printf 'pip/uv, %s cache: setup %.1fx, first report %.1fx, all reports %.1fx, setup cpu %.1fx\n' \
    "$cache" "$(echo "$ps / $us" | bc -l)" "$(echo "$pf / $uf" | bc -l)" "$(echo "$pt / $ut" | bc -l)" \
    "$(echo "$pc / $uc" | bc -l)"
done
