#!/usr/bin/env bash
# A PostgreSQL primary with two hot-standby replicas, plus PgBouncer and pgpool-II in front when they are
# installed, all on loopback ports, for Relata's scale-out tests (docs/scale-out.md).
#
#   scripts/pg-replicas.sh up       build and start everything (idempotent: a healthy set is left alone,
#                                   a broken one, after a failover test for instance, is rebuilt); prints the ports
#   scripts/pg-replicas.sh down     stop everything and delete the data directories
#   scripts/pg-replicas.sh status   print each server's role; exit 0 when the set is healthy, 1 otherwise
#   scripts/pg-replicas.sh kill PORT      stop one server at once (pg_ctl -m immediate: a crash, no shutdown)
#   scripts/pg-replicas.sh start PORT     start one server again (after kill: crash recovery, then it streams again)
#   scripts/pg-replicas.sh promote PORT   promote a replica to primary
#
#   127.0.0.1:5441 primary            127.0.0.1:5442 replica1       127.0.0.1:5443 replica2
#   127.0.0.1:6432 PgBouncer (transaction pooling, database relata on the primary)
#   127.0.0.1:9999 pgpool-II (streaming-replication mode; plain reads are balanced over the two replicas: the primary's
#                  load-balance weight is 0, so a test can tell pgpool's routing from chance)
#
# Every server trusts loopback logins of user postgres; the test database is `relata`. The binaries are the
# newest under /usr/lib/postgresql/*/bin (or PG_BIN); as root the servers run as user postgres. Data, sockets and
# logs live under RELATA_REPLICAS_DIR (default /tmp/relata-pg-replicas). Replication is asynchronous, as read
# replicas usually are; a test that needs synchronous replication turns it on with ALTER SYSTEM.
set -euo pipefail

# pgbouncer and pgpool live in /usr/sbin on Debian, which a non-login PATH may lack.
PATH="$PATH:/usr/sbin:/sbin"
BASE=${RELATA_REPLICAS_DIR:-/tmp/relata-pg-replicas}
PRIMARY_PORT=5441
REPLICA_PORTS=(5442 5443)
PGBOUNCER_PORT=6432
PGPOOL_PORT=9999
PCP_PORT=9898
DATABASE=relata

log() { echo "[pg-replicas] $*" >&2; }
die() { log "$*"; exit 2; }

find_bin() {
    if [ -n "${PG_BIN:-}" ]; then
        echo "$PG_BIN"
        return
    fi
    local dir
    dir=$({ ls -d /usr/lib/postgresql/*/bin 2>/dev/null || true; } | sort -V | tail -n 1)
    if [ -n "$dir" ] && [ -x "$dir/initdb" ]; then
        echo "$dir"
    elif command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
        pg_config --bindir
    fi
}

BIN=$(find_bin)

# PostgreSQL refuses to run as root; root runs the servers as postgres, anyone else as themselves.
as_owner() {
    if [ "$(id -u)" = 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# psql as user postgres to one server; prints the result unaligned, nothing on failure.
sql() { # port sql [database]
    PGCONNECT_TIMEOUT=3 "$BIN/psql" -X -w -h 127.0.0.1 -p "$1" -U postgres -d "${3:-postgres}" -Atqc "$2" \
        2>/dev/null || true
}

port_open() {
    timeout 2 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

wait_for() { # seconds description command...
    local seconds=$1 what=$2 i
    shift 2
    for ((i = 0; i < seconds * 5; i++)); do
        if "$@"; then
            return 0
        fi
        sleep 0.2
    done
    die "gave up after ${seconds}s waiting for $what (logs in $BASE)"
}

data_dir() { # port
    case "$1" in
        "$PRIMARY_PORT") echo "$BASE/primary" ;;
        "${REPLICA_PORTS[0]}") echo "$BASE/replica1" ;;
        "${REPLICA_PORTS[1]}") echo "$BASE/replica2" ;;
        *) die "no server of this set listens on port $1" ;;
    esac
}

role() { # port: primary, replica or down
    case "$(sql "$1" 'SELECT pg_is_in_recovery()')" in
        f) echo primary ;;
        t) echo replica ;;
        *) echo down ;;
    esac
}

streaming_replicas() {
    sql "$PRIMARY_PORT" "SELECT count(*) FROM pg_stat_replication WHERE state = 'streaming'"
}

pooler_answers() { # port
    [ "$(sql "$1" 'SELECT 1' "$DATABASE")" = 1 ]
}

healthy() {
    [ "$(role "$PRIMARY_PORT")" = primary ] || return 1
    local port
    for port in "${REPLICA_PORTS[@]}"; do
        [ "$(role "$port")" = replica ] || return 1
    done
    [ "$(streaming_replicas)" = "${#REPLICA_PORTS[@]}" ] || return 1
    [ "$(sql "$PRIMARY_PORT" "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'")" = 1 ] || return 1
    if command -v pgbouncer >/dev/null 2>&1; then
        pooler_answers "$PGBOUNCER_PORT" || return 1
    fi
    if command -v pgpool >/dev/null 2>&1; then
        pooler_answers "$PGPOOL_PORT" || return 1
    fi
}

status() {
    local port
    echo "primary  127.0.0.1:$PRIMARY_PORT $(role "$PRIMARY_PORT")"
    echo "replica1 127.0.0.1:${REPLICA_PORTS[0]} $(role "${REPLICA_PORTS[0]}")"
    echo "replica2 127.0.0.1:${REPLICA_PORTS[1]} $(role "${REPLICA_PORTS[1]}")"
    for port in "$PGBOUNCER_PORT" "$PGPOOL_PORT"; do
        local name=pgbouncer
        [ "$port" = "$PGPOOL_PORT" ] && name=pgpool
        if ! command -v "$name" >/dev/null 2>&1; then
            echo "$name 127.0.0.1:$port not-installed"
        elif pooler_answers "$port"; then
            echo "$name 127.0.0.1:$port up"
        else
            echo "$name 127.0.0.1:$port down"
        fi
    done
    echo "database $DATABASE; data under $BASE"
    healthy
}

# ------------------------------------------------------------------------------------------ building

configure_primary() {
    local dir=$BASE/primary
    cat >>"$dir/postgresql.conf" <<EOF

# relata scale-out test set (scripts/pg-replicas.sh)
port = $PRIMARY_PORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '$BASE'
cluster_name = 'primary'
max_connections = 300
shared_buffers = 32MB
wal_level = replica
max_wal_senders = 10
max_replication_slots = 10
wal_keep_size = 256MB
hot_standby = on
hot_standby_feedback = on
fsync = off
synchronous_commit = on
wal_receiver_status_interval = 1s
log_min_messages = warning
EOF
    cat >"$dir/pg_hba.conf" <<EOF
local all all trust
host all all 127.0.0.1/32 trust
host replication all 127.0.0.1/32 trust
EOF
}

start_server() { # port
    local dir
    dir=$(data_dir "$1")
    as_owner "$BIN/pg_ctl" -D "$dir" -l "$dir.log" -w -t 60 start >/dev/null
}

build_replica() { # name port
    local name=$1 port=$2 dir=$BASE/$1
    as_owner "$BIN/pg_basebackup" -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -D "$dir" -R -X stream -c fast --no-sync \
        -C -S "$name" >/dev/null
    # The replica's postgresql.conf is the primary's copy; later lines win. The walreceiver reports cluster_name
    # as its application_name, which synchronous_standby_names can then name.
    printf "\nport = %s\ncluster_name = '%s'\n" "$port" "$name" >>"$dir/postgresql.conf"
    start_server "$port"
}

start_pgbouncer() {
    command -v pgbouncer >/dev/null 2>&1 || { log "pgbouncer is not installed: skipped"; return 0; }
    cat >"$BASE/pgbouncer.ini" <<EOF
[databases]
$DATABASE = host=127.0.0.1 port=$PRIMARY_PORT dbname=$DATABASE

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $PGBOUNCER_PORT
unix_socket_dir = $BASE
auth_type = trust
auth_file = $BASE/pgbouncer-users.txt
admin_users = postgres
pool_mode = transaction
max_client_conn = 500
default_pool_size = 20
; r2dbc-postgresql and pgjdbc send extra_float_digits as a startup parameter, which PgBouncer refuses otherwise
ignore_startup_parameters = extra_float_digits
logfile = $BASE/pgbouncer.log
pidfile = $BASE/pgbouncer.pid
EOF
    echo '"postgres" ""' >"$BASE/pgbouncer-users.txt"
    chown postgres "$BASE/pgbouncer.ini" "$BASE/pgbouncer-users.txt" 2>/dev/null || true
    as_owner pgbouncer -d -q "$BASE/pgbouncer.ini"
    wait_for 20 "PgBouncer at 127.0.0.1:$PGBOUNCER_PORT" pooler_answers "$PGBOUNCER_PORT"
}

start_pgpool() {
    command -v pgpool >/dev/null 2>&1 || { log "pgpool is not installed: skipped"; return 0; }
    mkdir -p "$BASE/pgpool-oiddir"
    cat >"$BASE/pgpool.conf" <<EOF
backend_clustering_mode = 'streaming_replication'
listen_addresses = '127.0.0.1'
port = $PGPOOL_PORT
socket_dir = '$BASE'
pcp_listen_addresses = ''
pcp_port = $PCP_PORT
pcp_socket_dir = '$BASE'
wd_ipc_socket_dir = '$BASE'
pid_file_name = '$BASE/pgpool.pid'
logdir = '$BASE'
memqcache_oiddir = '$BASE/pgpool-oiddir'
enable_pool_hba = off
pool_passwd = ''
num_init_children = 24
max_pool = 2
load_balance_mode = on
sr_check_user = 'postgres'
sr_check_period = 5
health_check_period = 0
failover_on_backend_error = off
backend_hostname0 = '127.0.0.1'
backend_port0 = $PRIMARY_PORT
backend_weight0 = 0
backend_flag0 = 'DISALLOW_TO_FAILOVER'
backend_application_name0 = 'primary'
backend_hostname1 = '127.0.0.1'
backend_port1 = ${REPLICA_PORTS[0]}
backend_weight1 = 1
backend_flag1 = 'DISALLOW_TO_FAILOVER'
backend_application_name1 = 'replica1'
backend_hostname2 = '127.0.0.1'
backend_port2 = ${REPLICA_PORTS[1]}
backend_weight2 = 1
backend_flag2 = 'DISALLOW_TO_FAILOVER'
backend_application_name2 = 'replica2'
EOF
    : >"$BASE/pcp.conf"
    chown -R postgres "$BASE/pgpool.conf" "$BASE/pcp.conf" "$BASE/pgpool-oiddir" 2>/dev/null || true
    # -n keeps it in the foreground of its own session, logging to a file; the pid file stops it.
    as_owner setsid pgpool -n -f "$BASE/pgpool.conf" -F "$BASE/pcp.conf" >"$BASE/pgpool.log" 2>&1 </dev/null &
    wait_for 30 "pgpool-II at 127.0.0.1:$PGPOOL_PORT" pooler_answers "$PGPOOL_PORT"
}

build() {
    [ -n "$BIN" ] || die "no PostgreSQL binaries found (set PG_BIN, or install postgresql)"
    local started=$SECONDS port
    for port in "$PRIMARY_PORT" "${REPLICA_PORTS[@]}" "$PGBOUNCER_PORT" "$PGPOOL_PORT"; do
        if port_open "$port"; then
            die "port $port is taken by a process this script did not start; not touching it"
        fi
    done
    mkdir -p "$BASE"
    chmod 0755 "$BASE"
    if [ "$(id -u)" = 0 ]; then
        chown postgres "$BASE"
    fi
    as_owner "$BIN/initdb" -D "$BASE/primary" -U postgres --auth=trust -E UTF8 --locale=C --no-sync >/dev/null
    configure_primary
    start_server "$PRIMARY_PORT"
    sql "$PRIMARY_PORT" "CREATE DATABASE $DATABASE" >/dev/null
    build_replica replica1 "${REPLICA_PORTS[0]}"
    build_replica replica2 "${REPLICA_PORTS[1]}"
    wait_for 30 "both replicas to stream from the primary" \
        test "$(streaming_replicas)" = "${#REPLICA_PORTS[@]}"
    start_pgbouncer
    start_pgpool
    log "built in $((SECONDS - started))s"
}

# ------------------------------------------------------------------------------------------ stopping

stop_pid_file() { # file
    local file=$1 pid
    [ -f "$file" ] || return 0
    pid=$(head -n 1 "$file" | tr -dc '0-9')
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        kill -INT "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || return 0
            sleep 0.1
        done
        kill -KILL "$pid" 2>/dev/null || true
    fi
}

stop_server_dir() { # dir [mode]
    local dir=$1 mode=${2:-fast}
    [ -f "$dir/postmaster.pid" ] || return 0
    as_owner "$BIN/pg_ctl" -D "$dir" -m "$mode" -w -t 30 stop >/dev/null 2>&1 || true
}

down() {
    [ -d "$BASE" ] || return 0
    stop_pid_file "$BASE/pgpool.pid"
    stop_pid_file "$BASE/pgbouncer.pid"
    local dir
    for dir in "$BASE/replica1" "$BASE/replica2" "$BASE/primary"; do
        stop_server_dir "$dir" immediate
    done
    rm -rf "$BASE"
}

# Restarts what was stopped (a killed server recovers and streams again, a pooler comes back) when the topology is
# intact; the caller rebuilds when this does not make the set healthy (after a promotion, for instance).
repair() {
    [ -f "$BASE/primary/PG_VERSION" ] || return 1
    local port
    for port in "$PRIMARY_PORT" "${REPLICA_PORTS[@]}"; do
        if [ "$(role "$port")" = down ] && [ -f "$(data_dir "$port")/PG_VERSION" ]; then
            log "starting the server at $port again"
            stop_server_dir "$(data_dir "$port")" immediate
            start_server "$port" || return 1
        fi
    done
    [ "$(role "$PRIMARY_PORT")" = primary ] || return 1
    for port in "${REPLICA_PORTS[@]}"; do
        [ "$(role "$port")" = replica ] || return 1
    done
    local i
    for ((i = 0; i < 50; i++)); do
        [ "$(streaming_replicas)" = "${#REPLICA_PORTS[@]}" ] && break
        sleep 0.2
    done
    if command -v pgbouncer >/dev/null 2>&1 && ! pooler_answers "$PGBOUNCER_PORT"; then
        stop_pid_file "$BASE/pgbouncer.pid"
        start_pgbouncer || return 1
    fi
    if command -v pgpool >/dev/null 2>&1 && ! pooler_answers "$PGPOOL_PORT"; then
        stop_pid_file "$BASE/pgpool.pid"
        start_pgpool || return 1
    fi
    healthy
}

up() {
    if [ -d "$BASE" ] && healthy; then
        log "already up"
    elif [ -d "$BASE" ] && (repair); then
        log "repaired"
    else
        down
        build
    fi
    status
}

case "${1:-}" in
    up) up ;;
    down) down ;;
    status) status ;;
    kill) stop_server_dir "$(data_dir "${2:?port}")" immediate ;;
    start) start_server "${2:?port}" ;;
    promote) as_owner "$BIN/pg_ctl" -D "$(data_dir "${2:?port}")" -w -t 60 promote >/dev/null ;;
    *) echo "usage: $0 up|down|status|kill PORT|start PORT|promote PORT" >&2; exit 2 ;;
esac
