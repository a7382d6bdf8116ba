#!/usr/bin/env python3
"""Exec -> first interactive frame of the TUI, measured in a pseudo-terminal (issue 14).

    python3 benches/first_frame.py [BINARY] [--runs N] [--config-dir DIR]

Starts BINARY (default target/release/msi-setup) on a fresh 80x24 pty with its own config dir
(a temporary one unless --config-dir names one, e.g. a copy of a config with a large invite
history), takes the time just before exec, reads the pty until the first frame is complete
(the footer's last key hint, "quit", has been drawn), then sends `q` and reaps the child.
Prints best / median / worst in ms. The goal: <= 10 ms whatever the size of the progress file.
The time includes the kernel's exec and the dynamic loader, as a user sees it.
"""

import fcntl
import os
import pty
import select
import shutil
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time

MARKER = b"quit"


def one(binary, config_dir):
    pid, fd = pty.fork()
    if pid == 0:
        env = dict(os.environ, TERM="xterm-256color", LANG="C.UTF-8", NO_COLOR="1")
        env.pop("LC_ALL", None)
        os.execve(binary, [binary, "--config-dir", config_dir, "--lang", "en"], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    start = time.perf_counter()
    seen = b""
    elapsed = None
    deadline = start + 10
    while time.perf_counter() < deadline:
        ready, _, _ = select.select([fd], [], [], 0.05)
        if not ready:
            continue
        try:
            chunk = os.read(fd, 65536)
        except OSError:
            break
        if not chunk:
            break
        seen += chunk
        if MARKER in seen:
            elapsed = time.perf_counter() - start
            break
    try:
        os.write(fd, b"q")
    except OSError:
        pass
    end = time.time() + 5
    while time.time() < end:
        done, _ = os.waitpid(pid, os.WNOHANG)
        if done:
            break
        try:
            select.select([fd], [], [], 0.05)
            os.read(fd, 65536)
        except OSError:
            pass
    else:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
    os.close(fd)
    return elapsed


def main():
    args = sys.argv[1:]
    runs = 20
    config = None
    binary = "target/release/msi-setup"
    while args:
        a = args.pop(0)
        if a == "--runs":
            runs = int(args.pop(0))
        elif a == "--config-dir":
            config = args.pop(0)
        else:
            binary = a
    times = []
    for _ in range(runs):
        tmp = tempfile.mkdtemp()
        try:
            cfg = os.path.join(tmp, "cfg")
            if config:
                shutil.copytree(config, cfg)
            else:
                os.mkdir(cfg)
            t = one(os.path.abspath(binary), cfg)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        if t is None:
            sys.exit("no frame within 10 s")
        times.append(t * 1000)
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    print(
        "first frame (pty 80x24, %d runs, load %s): best %.1f ms, median %.1f ms, worst %.1f ms"
        % (runs, load, min(times), statistics.median(times), max(times))
    )


if __name__ == "__main__":
    main()
