# Sourced by the scripts/gpu-*.sh that run on the GPU machine. A call there has 600 s and returns at most 8 files.
# capped CAP CMD...: CMD under a timeout of CAP seconds or of what is left before the call's deadline ($deadline, in
# bash's SECONDS; set from DEADLINE, 570 s by default), whichever is less; a step left no room says so.
deadline=${deadline:-$((SECONDS + ${DEADLINE:-570}))}
capped() {
  local cap=$1 left=$((deadline - SECONDS - 5))
  shift
  if [ "$left" -lt 15 ]; then echo "skipped, no time left: $*"; return 124; fi
  timeout -s TERM -k 5 $((cap < left ? cap : left)) "$@"
}
# pack_out: everything under $OUT into pngs.tar (images) and logs.tgz (the rest), so the call's files come back.
pack_out() {
  (cd "$OUT" && find . -name '*.png' -print0 | tar cf pngs.tar --null -T - &&
    find . -type f ! -name pngs.tar ! -name logs.tgz ! -name '*.png' -print0 | tar czf logs.tgz --null -T - &&
    find . -mindepth 1 -maxdepth 1 ! -name pngs.tar ! -name logs.tgz -exec rm -rf {} +)
}
