#!/usr/bin/env bash
# A private PostgreSQL cluster in one directory. The local one-machine run and the
# test fixture both start their database with this script, so there is one way
# Vigie runs PostgreSQL outside production.
set -euo pipefail

readonly prog=${0##*/}

usage() {
  cat <<EOF
Usage: $prog start|stop|status DIR
       $prog --help

Runs a private PostgreSQL cluster in DIR, reachable only through the Unix socket
in DIR/socket (no TCP), with superuser "vigie" (trust) and database "vigie".

  start DIR   create the cluster if DIR holds none, start the server unless it
              runs already, and print its libpq connection string on stdout
  stop DIR    fast shutdown, waiting for it; nothing to do when not running
  status DIR  exit 0 when the server runs, 3 when it does not
  watch DIR   (started by start) stop the server once VIGIE_PG_OWNER_PID exits

DIR holds data/ (the cluster), socket/ and postgres.log, and nothing else.
Run as root, the server runs as the system user "postgres" and DIR is given
to that user.

Environment:
  VIGIE_PG_PORT       names the socket file .s.PGSQL.PORT (default 5432)
  VIGIE_PG_FAST=1     fsync off and small buffers: for tests, never for data
                      you want to keep
  VIGIE_PG_OWNER_PID  when start starts the server, stop it again once this
                      process exits, even if it is killed
  VIGIE_PG_BINDIR     PostgreSQL server programs (default: the newest
                      /usr/lib/postgresql/*/bin)
EOF
}

die() {
  printf '%s: %s\n' "$prog" "$*" >&2
  exit 1
}

case ${1:-} in
  -h | --help)
    usage
    exit 0
    ;;
  start | stop | status | watch) ;;
  *)
    usage >&2
    exit 2
    ;;
esac
if [[ $# -ne 2 || -z $2 ]]; then
  usage >&2
  exit 2
fi

readonly action=$1
self=$(realpath -- "${BASH_SOURCE[0]}")
dir=$(realpath -m -- "$2")
readonly self dir
readonly data=$dir/data socket_dir=$dir/socket log=$dir/postgres.log
readonly port=${VIGIE_PG_PORT:-5432}

# These characters would need a different quoting in each of postgresql.conf,
# the unix_socket_directories list and the connection string.
if [[ $dir == *[$'\n'\'\"\\,]* ]]; then
  die "$dir: DIR must not contain quotes, backslashes, commas or newlines"
fi
if ! [[ $port =~ ^[1-9][0-9]{0,4}$ ]] || ((port > 65535)); then
  die "VIGIE_PG_PORT=$port is not a port number"
fi
# A Unix socket path is at most 107 bytes; the server would only say so in its log.
if (($(printf '%s/.s.PGSQL.%s' "$socket_dir" "$port" | wc -c) > 107)); then
  die "$dir: too long for the socket path $socket_dir/.s.PGSQL.$port (at most 107 bytes)"
fi
if [[ -n ${VIGIE_PG_OWNER_PID:-} && ! $VIGIE_PG_OWNER_PID =~ ^[1-9][0-9]*$ ]]; then
  die "VIGIE_PG_OWNER_PID=$VIGIE_PG_OWNER_PID is not a process id"
fi

if [[ -n ${VIGIE_PG_BINDIR:-} ]]; then
  bindir=$VIGIE_PG_BINDIR
else
  bindir=$(printf '%s\n' /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
[[ -x $bindir/initdb && -x $bindir/pg_ctl ]] ||
  die "no PostgreSQL server programs in $bindir (install Debian's postgresql package or set VIGIE_PG_BINDIR)"
readonly bindir

if ((EUID == 0)); then
  # PostgreSQL refuses to run as root. Debian's postgresql package, which
  # provides the server programs, creates this user: the script never has to
  # add a user to the system, which parallel starts would race to do.
  server_user=postgres
  id -u "$server_user" >/dev/null 2>&1 ||
    die "user $server_user does not exist (Debian's postgresql package creates it)"
  as_server() { runuser -u "$server_user" -- "$@"; }
else
  server_user=$(id -un)
  as_server() { "$@"; }
fi
readonly server_user

# The server user may be unable to enter the caller's working directory, and
# initdb and pg_ctl fail when they cannot.
cd /

is_running() {
  as_server "$bindir/pg_ctl" status -D "$data" >/dev/null 2>&1
}

# Serialises start and stop on one DIR. Every program that may outlive this
# script is started with 9<&-, or it would hold the lock for its whole life.
lock_dir() {
  exec 9<"$dir"
  flock -w 120 9 || die "$dir: another $prog start or stop has held it for 2 minutes"
}

make_dir() {
  (umask 022 && mkdir -p -- "$dir") || die "$dir: cannot create it"
  # DIR is the cluster's alone: run as root, this script gives it to the server
  # user, which must never happen to a directory that holds anything else (/tmp).
  local stranger
  stranger=$(find "$dir" -mindepth 1 -maxdepth 1 ! -name data ! -name data.new \
    ! -name socket ! -name postgres.log -print -quit)
  if [[ -n $stranger ]]; then
    die "$dir: holds $stranger; DIR must be new, empty or a cluster made by $prog"
  fi
  if ((EUID == 0)); then
    if ! chown -- "$server_user:" "$dir" || ! chmod 0700 "$dir"; then
      die "$dir: cannot give it to user $server_user"
    fi
  fi
  if ! as_server test -w "$dir" -a -x "$dir"; then
    local p=$dir
    while [[ $p != / ]]; do
      p=$(dirname -- "$p")
      as_server test -x "$p" ||
        die "$dir: user $server_user cannot enter $p; choose a DIR it can reach (e.g. under /tmp) or let it in (chmod o+x $p)"
    done
    die "$dir: user $server_user cannot write to it"
  fi
  # Trust authentication lets whoever reaches the socket in as superuser: only
  # the server user (and root) may.
  as_server mkdir -p -m 0700 -- "$socket_dir" || die "$socket_dir: cannot create it"
}

# Builds the cluster aside and renames it into place, so that a cluster cut
# short (by a kill, a full disk) is never taken for a finished one.
init_cluster() {
  local staging=$dir/data.new out
  local -a initdb_args=(-D "$staging" -U vigie --auth-local=trust --auth-host=reject
    -E UTF8 --locale=C.UTF-8 --no-instructions)
  if [[ ${VIGIE_PG_FAST:-} == 1 ]]; then
    initdb_args+=(--no-sync)
  fi
  as_server rm -rf -- "$staging" || die "$staging: cannot remove an earlier unfinished cluster"
  if ! out=$(as_server "$bindir/initdb" "${initdb_args[@]}" 2>&1); then
    die "initdb of $staging failed:"$'\n'"$out"
  fi
  printf '%s\n' "# Set by $self: Unix socket only, no TCP." \
    "listen_addresses = ''" \
    "unix_socket_directories = '$socket_dir'" \
    'max_connections = 100' |
    as_server tee -a -- "$staging/postgresql.conf" >/dev/null ||
    die "$staging/postgresql.conf: cannot write the settings"
  as_server mv -T -- "$staging" "$data" || die "$data: cannot move the new cluster into place"
}

start_server() {
  local opts="-p $port"
  if [[ ${VIGIE_PG_FAST:-} == 1 ]]; then
    opts+=" -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=16MB"
  fi
  if ! as_server "$bindir/pg_ctl" start -D "$data" -l "$log" -o "$opts" -w -t 60 -s >&2 9<&-; then
    printf '%s: the server in %s did not start; the end of %s:\n' "$prog" "$data" "$log" >&2
    tail -n 20 -- "$log" >&2 || true
    exit 1
  fi
}

# pg_ctl -w already waited for the server; this also covers a server that another
# start has only just launched, and proves the socket is where clients will look.
wait_ready() {
  local i
  for ((i = 0; i < 100; i++)); do
    if as_server "$bindir/pg_isready" -q -h "$socket_dir" -p "$port" -U vigie -d postgres; then
      return 0
    fi
    sleep 0.1
  done
  die "the server in $data does not accept connections on $socket_dir (see $log)"
}

psql_admin() {
  as_server "$bindir/psql" -X -A -t -q -v ON_ERROR_STOP=1 -h "$socket_dir" -p "$port" \
    -U vigie -d postgres "$@"
}

ensure_database() {
  local found
  found=$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = 'vigie'") ||
    die "cannot query the server in $data (see $log)"
  if [[ -z $found ]]; then
    psql_admin -c 'CREATE DATABASE vigie' || die "cannot create database vigie in $data"
  fi
}

watch_owner() {
  # Its own session, so that a signal to the owner's process group spares it.
  setsid "$BASH" "$self" watch "$dir" </dev/null >>"$log" 2>&1 9<&- &
}

print_connection_string() {
  local host=$socket_dir
  if [[ $host == *[[:space:]]* ]]; then
    host="'$host'"
  fi
  printf 'host=%s port=%s dbname=vigie user=vigie\n' "$host" "$port"
}

cmd_start() {
  make_dir
  lock_dir
  if ! is_running; then
    if [[ ! -f $data/PG_VERSION ]]; then
      init_cluster
    fi
    start_server
    if [[ -n ${VIGIE_PG_OWNER_PID:-} ]]; then
      watch_owner
    fi
  fi
  wait_ready
  ensure_database
  print_connection_string
}

cmd_stop() {
  [[ -d $data ]] || return 0
  lock_dir
  if is_running; then
    as_server "$bindir/pg_ctl" stop -D "$data" -m fast -w -t 60 -s >&2 ||
      die "the server in $data did not stop (see $log)"
  fi
}

cmd_status() {
  if is_running; then
    exit 0
  fi
  exit 3
}

cmd_watch() {
  local owner=${VIGIE_PG_OWNER_PID:?watch needs VIGIE_PG_OWNER_PID} postmaster
  read -r postmaster <"$data/postmaster.pid" || die "$data/postmaster.pid: cannot read it"
  # Ends also when this server stops by other means, so no watcher lingers. It
  # watches the pid file, not the process: a stopped postmaster stays a zombie
  # for as long as nobody reaps it.
  while kill -0 "$owner" 2>/dev/null &&
    [[ $(head -n 1 -- "$data/postmaster.pid" 2>/dev/null) == "$postmaster" ]]; do
    sleep 1
  done
  if ! kill -0 "$owner" 2>/dev/null; then
    printf '%s: owner process %s exited, stopping the server\n' "$prog" "$owner" >&2
    cmd_stop
  fi
}

"cmd_$action"
