#!/bin/sh
# Stands in for ssh in launch_test: `fake_ssh HOST COMMAND` appends HOST to $FAKE_SSH_LOG and
# runs COMMAND with sh on this machine, as ssh would on HOST.
host=$1
shift
[ -n "$FAKE_SSH_LOG" ] && echo "$host" >> "$FAKE_SSH_LOG"
exec sh -c "$*"
