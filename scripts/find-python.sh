#!/usr/bin/env bash
# Prints the path of a Python 3.12+ interpreter, or nothing when none is found.
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' 2>/dev/null; }
candidates=()
for name in python3.13 python3.12; do
  path=$(command -v "$name" 2>/dev/null) && candidates+=("$path")
done
# Newest pyenv version first.
while read -r dir; do
  [ -x "$dir/bin/python3" ] && candidates+=("$dir/bin/python3")
done < <(ls -d "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.1[2-9]* 2>/dev/null | sort -rV)
path=$(command -v python3 2>/dev/null) && candidates+=("$path")
for candidate in "${candidates[@]}"; do
  if ok "$candidate"; then echo "$candidate"; exit 0; fi
done
exit 0
