# Sourced by scripts/test.sh: runs ctest and makes every retry visible.
#
# run_ctest_reporting_retries BUILD_DIR [CTEST ARGS...]
# Runs the tests once. A test that failed is run once more on its own: on a loaded machine a
# timing-bound test can fail once, and a flaky test is a bug to find, so each one that passed
# only on the second run is printed as "RETRIED: <name>" (and listed again at the end of the
# run); a test that fails twice fails the run. Adds to the totals in ctest_passed/ctest_failed.
ctest_passed=0
ctest_failed=0
ctest_retried=()

heading() { printf '\n== %s\n' "$*"; }

run_ctest_reporting_retries() {
  local dir=$1; shift
  local total failed_log="$dir/Testing/Temporary/LastTestsFailed.log"
  total=$(cd "$dir" && ctest -N "$@" | sed -n 's/^Total Tests: //p')
  if (cd "$dir" && ctest --output-on-failure -j "$(nproc)" "$@"); then
    ctest_passed=$((ctest_passed + total))
    return 0
  fi
  local first=()
  mapfile -t first < <(sed 's/^[0-9]*://' "$failed_log")
  heading "${#first[@]} test(s) failed in $dir; running each once more to tell flaky from broken"
  local rc=0
  (cd "$dir" && ctest --output-on-failure --rerun-failed) || rc=$?
  local still=()
  [ $rc -ne 0 ] && mapfile -t still < <(sed 's/^[0-9]*://' "$failed_log")
  local name s broken
  for name in "${first[@]}"; do
    broken=no
    for s in "${still[@]}"; do [ "$s" = "$name" ] && broken=yes; done
    if [ $broken = no ]; then
      echo "RETRIED: $name (failed once, passed on the second run)"
      ctest_retried+=("$name")
    fi
  done
  ctest_failed=$((ctest_failed + ${#still[@]}))
  ctest_passed=$((ctest_passed + total - ${#still[@]}))
  [ ${#still[@]} -eq 0 ]
}

# The closing lines of scripts/test.sh: every retry again, then the totals of all passes.
report_ctest_totals() {
  if [ ${#ctest_retried[@]} -gt 0 ]; then
    heading "tests that passed only when retried (flaky: each is a bug to find)"
    printf 'RETRIED: %s\n' "${ctest_retried[@]}"
  fi
  echo
  echo "tests: $ctest_passed passed, $ctest_failed failed"
}
