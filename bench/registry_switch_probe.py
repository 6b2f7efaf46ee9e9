#!/usr/bin/env python3
"""Times a registry promotion (and a rollback) reaching every `serve --registry`: asks each server for one name
every 5 ms over the line protocol (JSONL answers carry the version) while a command promotes, and prints, per
server, the seconds from the command's start to the first answer from the new version, and when the command
itself had exited.
Usage: registry_switch_probe.py NEW_VERSION PORT[,PORT…] -- COMMAND…"""
import json, socket, subprocess, sys, time

new, ports = sys.argv[1], [int(p) for p in sys.argv[2].split(",")]
command = sys.argv[sys.argv.index("--") + 1:]
conns = [socket.create_connection(("127.0.0.1", p)) for p in ports]
files = [c.makefile("rb") for c in conns]

def version(i):
    conns[i].sendall(b"ads1.adserv1.com\n")
    return json.loads(files[i].readline())["version"]

start = time.monotonic()
proc = subprocess.Popen(command, stderr=subprocess.PIPE)
switched = [None] * len(ports)
exited = None
while (None in switched or exited is None) and time.monotonic() - start < 10:
    for i in range(len(ports)):
        if switched[i] is None and version(i) == new:
            switched[i] = time.monotonic() - start
    if exited is None and proc.poll() is not None:
        exited = time.monotonic() - start
    time.sleep(0.005)
proc.wait()
print(json.dumps({"version": new, "seconds_to_switch": switched, "command_seconds": exited, "command_exit": proc.returncode,
                  "command_stderr": proc.stderr.read().decode().strip()}))
