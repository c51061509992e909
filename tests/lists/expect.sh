#!/bin/sh
# expect.sh RC [REGEX...] -- COMMAND...: runs COMMAND, fails unless it exits
# with RC and its output (stdout and stderr) matches every extended REGEX.
want=$1; shift
n=0
while [ "$1" != "--" ]; do
  n=$((n + 1)); eval "re_$n=\$1"; shift
done
shift
out=$("$@" 2>&1); rc=$?
printf '%s\n' "$out"
if [ "$rc" -ne "$want" ]; then
  echo "expect.sh: exit status $rc, want $want"; exit 1
fi
i=1
while [ "$i" -le "$n" ]; do
  eval "re=\$re_$i"
  if ! printf '%s\n' "$out" | grep -Eq -- "$re"; then
    echo "expect.sh: no line matches: $re"; exit 1
  fi
  i=$((i + 1))
done
exit 0
