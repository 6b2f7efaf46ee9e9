#!/usr/bin/env bash
# Writes the DNS log fixtures of Tests/StreamingTests/Fixtures from the real programs.
#
# Starts dnsmasq (log-queries, then log-queries=extra), unbound (log-queries +
# log-replies) and BIND 9 (query log, with and without category/severity
# prefixes) on 127.0.0.1, each on a free high port and with local answers only:
# no upstream server, no forwarding, no recursion. Queries each one with dig for
# the same list of names, and captures the first dnsmasq run with tshark and
# tcpdump on `lo`. Only loopback is ever contacted.
#
# Usage: tools/make-dns-fixtures.sh [OUT_DIR]   (default Tests/StreamingTests/Fixtures)
# KEEP_WORK=1 keeps the work directory (configs, capture.pcapng) for a look.
# Needs root (apt-get, capture on lo). Zeek is not packaged in Debian: its
# fixtures (zeek-dns.log, zeek-dns.json) are written by hand, not here.
set -euo pipefail
export LC_ALL=C.UTF-8   # dig turns a Unicode name into punycode only in a UTF-8 locale

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$ROOT/Tests/StreamingTests/Fixtures}
WORK=$(mktemp -d /tmp/dns-fixtures.XXXXXX)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [[ -n ${KEEP_WORK:-} ]]; then echo "work files kept in $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

install_tools() {
    local missing=()
    command -v dnsmasq >/dev/null || missing+=(dnsmasq)
    command -v unbound >/dev/null || missing+=(unbound)
    command -v named >/dev/null || missing+=(bind9)
    command -v dig >/dev/null || missing+=(dnsutils)
    command -v tshark >/dev/null || missing+=(tshark)
    command -v tcpdump >/dev/null || missing+=(tcpdump)
    if ((${#missing[@]})); then
        # policy-rc.d keeps the packages' own services from starting on port 53.
        DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
    fi
}

# A UDP+TCP port on 127.0.0.1 that nothing listens on.
free_port() {
    local port
    while :; do
        port=$((20000 + RANDOM % 40000))
        if ! ss -Hlnut | awk '{print $5}' | grep -q ":$port\$"; then echo "$port"; return; fi
    done
}

# Waits until a server answers `ready.domcat.test A` with NXDOMAIN on PORT.
# The probes come first in each server's log; a server that logs a query
# before its zones are loaded (BIND) logs more than one.
wait_for_server() {
    local port=$1
    for _ in $(seq 50); do
        if dig -r -p "$port" @127.0.0.1 +tries=1 +time=1 ready.domcat.test A 2>/dev/null | grep -q 'status: NXDOMAIN'; then
            return
        fi
        sleep 0.2
    done
    echo "server on port $port did not answer" >&2
    exit 1
}

LONG_LABEL=abcdefghijklmnopqrstuvwxyz0123456789-abcdefghijklmnopqrstuvwxyz   # 63 bytes
# qtype and name as given to dig. The Unicode IDN goes on the wire as punycode
# (dig +idnin, which is on by default only on a tty), and the same name is also queried in punycode.
QUERIES=(
    "A www.domcat.test"
    "AAAA www.domcat.test"
    "MX domcat.test"
    "TXT domcat.test"
    "SRV _sip._tcp.domcat.test"
    "PTR 10.2.0.192.in-addr.arpa"
    "A bücher.domcat.test"
    "AAAA xn--bcher-kva.domcat.test"
    "A $LONG_LABEL.domcat.test"
    "A mail.domcat.test"
    "A WWW.Domcat.Test"
    "A nosuch.domcat.test"
)

# Queries every name once; with WRITE_LIST, records name-as-typed and the wire name.
query_all() {
    local port=$1 list=${2:-}
    [[ -n $list ]] && printf '# qtype\tname given to dig\tname on the wire (from dig'"'"'s question section)\n' >"$list"
    for q in "${QUERIES[@]}"; do
        local qtype=${q%% *} name=${q#* }
        local answer
        answer=$(dig -r -p "$port" @127.0.0.1 +tries=1 +time=2 +idnin +noidnout "$name" "$qtype")
        grep -q 'status: \(NOERROR\|NXDOMAIN\)' <<<"$answer" || { echo "bad answer for $name $qtype:"; echo "$answer"; exit 1; } >&2
        if [[ -n $list ]]; then
            local wire
            wire=$(awk '/^;; QUESTION SECTION:/{getline; sub(/^;/, ""); print $1; exit}' <<<"$answer")
            printf '%s\t%s\t%s\n' "$qtype" "$name" "${wire%.}" >>"$list"
        fi
    done
}

start_dnsmasq() {
    local port=$1 log=$2 queries=$3
    dnsmasq --keep-in-foreground --conf-file=/dev/null --no-resolv --no-hosts --no-poll \
        --user=root --group=root --pid-file= \
        --listen-address=127.0.0.1 --bind-interfaces --port="$port" \
        --log-facility="$log" --log-queries="$queries" \
        --local=/domcat.test/ --local=/2.0.192.in-addr.arpa/ \
        --host-record=domcat.test,192.0.2.10 \
        --host-record=www.domcat.test,192.0.2.10,2001:db8::10 \
        --host-record=mail.domcat.test,192.0.2.25 \
        --host-record=xn--bcher-kva.domcat.test,192.0.2.11,2001:db8::11 \
        --host-record="$LONG_LABEL.domcat.test,192.0.2.63" \
        --mx-host=domcat.test,mail.domcat.test,10 \
        --txt-record=domcat.test,"v=spf1 -all" \
        --srv-host=_sip._tcp.domcat.test,sip.domcat.test,5060,0,5 \
        --ptr-record=10.2.0.192.in-addr.arpa,www.domcat.test &
    PIDS+=($!)
}

zone_file() {
    cat <<EOF
\$TTL 300
@       IN SOA ns.domcat.test. hostmaster.domcat.test. 1 3600 600 86400 300
@       IN NS  ns.domcat.test.
@       IN A   192.0.2.10
@       IN MX  10 mail.domcat.test.
@       IN TXT "v=spf1 -all"
ns      IN A   127.0.0.1
www     IN A   192.0.2.10
www     IN AAAA 2001:db8::10
mail    IN A   192.0.2.25
xn--bcher-kva IN A 192.0.2.11
xn--bcher-kva IN AAAA 2001:db8::11
$LONG_LABEL IN A 192.0.2.63
_sip._tcp IN SRV 0 5 5060 sip.domcat.test.
sip     IN A   192.0.2.50
EOF
}

reverse_zone_file() {
    cat <<EOF
\$TTL 300
@       IN SOA ns.domcat.test. hostmaster.domcat.test. 1 3600 600 86400 300
@       IN NS  ns.domcat.test.
10      IN PTR www.domcat.test.
EOF
}

start_unbound() {
    local port=$1 dir=$2
    cat >"$dir/unbound.conf" <<EOF
server:
    interface: 127.0.0.1
    port: $port
    do-ip6: no
    chroot: ""
    username: ""
    directory: "$dir"
    pidfile: "$dir/unbound.pid"
    use-syslog: no
    logfile: "$dir/unbound.log"
    verbosity: 0
    log-queries: yes
    log-replies: yes
    module-config: "iterator"
    # Everything outside the local zones is refused: unbound never recurses.
    local-zone: "." refuse
    local-zone: "domcat.test." static
    local-zone: "2.0.192.in-addr.arpa." static
    local-data: "domcat.test. 300 IN SOA ns.domcat.test. hostmaster.domcat.test. 1 3600 600 86400 300"
    local-data: "domcat.test. 300 IN A 192.0.2.10"
    local-data: "domcat.test. 300 IN MX 10 mail.domcat.test."
    local-data: 'domcat.test. 300 IN TXT "v=spf1 -all"'
    local-data: "www.domcat.test. 300 IN A 192.0.2.10"
    local-data: "www.domcat.test. 300 IN AAAA 2001:db8::10"
    local-data: "mail.domcat.test. 300 IN A 192.0.2.25"
    local-data: "xn--bcher-kva.domcat.test. 300 IN A 192.0.2.11"
    local-data: "xn--bcher-kva.domcat.test. 300 IN AAAA 2001:db8::11"
    local-data: "$LONG_LABEL.domcat.test. 300 IN A 192.0.2.63"
    local-data: "_sip._tcp.domcat.test. 300 IN SRV 0 5 5060 sip.domcat.test."
    local-data: "10.2.0.192.in-addr.arpa. 300 IN PTR www.domcat.test."
remote-control:
    control-enable: no
EOF
    unbound-checkconf "$dir/unbound.conf" >/dev/null
    unbound -d -c "$dir/unbound.conf" &
    PIDS+=($!)
}

start_bind() {
    local port=$1 dir=$2
    zone_file >"$dir/domcat.test.zone"
    reverse_zone_file >"$dir/2.0.192.in-addr.arpa.zone"
    cat >"$dir/named.conf" <<EOF
options {
    directory "$dir";
    pid-file "$dir/named.pid";
    session-keyfile "$dir/session.key";
    listen-on port $port { 127.0.0.1; };
    listen-on-v6 { none; };
    recursion no;
    dnssec-validation no;
    notify no;
    querylog yes;
};
controls { };
logging {
    channel prefixed { file "$dir/bind-query.log"; print-time yes; print-category yes; print-severity yes; severity info; };
    channel bare { file "$dir/bind-query-bare.log"; print-time no; severity info; };
    category queries { prefixed; bare; };
    category default { null; };
    category general { null; };
};
zone "domcat.test" { type primary; file "$dir/domcat.test.zone"; };
zone "2.0.192.in-addr.arpa" { type primary; file "$dir/2.0.192.in-addr.arpa.zone"; };
EOF
    named-checkconf -z "$dir/named.conf" >/dev/null
    named -f -4 -c "$dir/named.conf" &
    PIDS+=($!)
}

# Stops the newest background process: SIGINT lets the capture tools flush,
# SIGTERM is what the servers exit on.
stop_last() {
    local signal=$1 pid=${PIDS[-1]}
    kill "-$signal" "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    unset 'PIDS[-1]'
}

install_tools
mkdir -p "$OUT"

# dnsmasq, log-queries, captured by tshark and tcpdump.
port=$(free_port)
start_dnsmasq "$port" "$WORK/dnsmasq.log" yes
wait_for_server "$port"
tshark -q -i lo -f "udp port $port" -w "$WORK/capture.pcapng" 2>"$WORK/tshark.err" &
PIDS+=($!)
tcpdump -T domain -i lo -n -l "udp port $port" >"$WORK/tcpdump.txt" 2>"$WORK/tcpdump.err" &
PIDS+=($!)
for _ in $(seq 50); do
    grep -q 'listening on' "$WORK/tcpdump.err" 2>/dev/null && grep -q 'Capturing on' "$WORK/tshark.err" 2>/dev/null && break
    sleep 0.2
done
sleep 1
query_all "$port" "$WORK/queried-names.txt"
sleep 1
stop_last INT   # tcpdump
stop_last INT   # tshark
stop_last TERM  # dnsmasq
# The readiness probes (SOA domcat.test) came before the capture started; they
# stay in the server log, where the tests skip them.

# tshark: fields (documented default order, plus the response flag) and ek.
TSHARK_FIELDS=(-e frame.time_epoch -e ip.src -e dns.qry.name -e dns.qry.type -e dns.flags.response)
tshark -r "$WORK/capture.pcapng" -d "udp.port==$port,dns" -Y dns -T fields "${TSHARK_FIELDS[@]}" >"$WORK/tshark-fields.tsv"
# -T ek: whole frame/ip/dns layers, and the compact form with the same -e fields.
tshark -r "$WORK/capture.pcapng" -d "udp.port==$port,dns" -Y dns -T ek -J "frame ip dns" >"$WORK/tshark-ek.jsonl"
tshark -r "$WORK/capture.pcapng" -d "udp.port==$port,dns" -Y dns -T ek "${TSHARK_FIELDS[@]}" >"$WORK/tshark-ek-fields.jsonl"

# dnsmasq, log-queries=extra.
port=$(free_port)
start_dnsmasq "$port" "$WORK/dnsmasq-extra.log" extra
wait_for_server "$port"
query_all "$port"
stop_last TERM

# unbound.
port=$(free_port)
start_unbound "$port" "$WORK"
wait_for_server "$port"
query_all "$port"
stop_last TERM

# BIND 9.
port=$(free_port)
start_bind "$port" "$WORK"
wait_for_server "$port"
query_all "$port"
stop_last TERM

for f in queried-names.txt dnsmasq.log dnsmasq-extra.log unbound.log bind-query.log bind-query-bare.log \
         tshark-fields.tsv tshark-ek.jsonl tshark-ek-fields.jsonl tcpdump.txt; do
    install -m 644 "$WORK/$f" "$OUT/$f"
done
echo "fixtures written to $OUT"
