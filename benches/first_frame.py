#!/usr/bin/env python3
"""Exec -> first interactive frame of the TUI, measured in a pseudo-terminal (issue 14).

    python3 benches/first_frame.py [BINARY] [--runs N] [--config-dir DIR] [--lang en|zh-TW|ko]

Starts BINARY (default target/release/msi-setup) on a fresh 80x24 pty with its own config dir
(a temporary one unless --config-dir names one, e.g. a copy of a config with a large invite
history; `--history N` makes one with N invited addresses), takes the time just before exec, reads the pty until the first frame is complete
(the footer's last key hint, "quit", has been drawn), then sends `q` and reaps the child.
Prints best / median / worst in ms. The goal: <= 10 ms whatever the size of the progress file.
The time includes the kernel's exec and the dynamic loader, as a user sees it.
"""

import fcntl
import os
import re
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

# The footer's last key hint (`keys.quit` in assets/i18n/<lang>/core.toml), drawn last.
CSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")
MARKERS = {"en": "quit", "zh-TW": "離開", "ko": "종료"}


def one(binary, config_dir, lang):
    # The child sends the clock just before its exec (CLOCK_MONOTONIC, shared by both
    # processes), so the figure runs from exec, without Python's own fork.
    rd, wr = os.pipe()
    pid, fd = pty.fork()
    if pid == 0:
        os.close(rd)
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        env = dict(os.environ, TERM="xterm-256color", LANG="C.UTF-8", NO_COLOR="1")
        env.pop("LC_ALL", None)
        argv = [binary, "--config-dir", config_dir, "--lang", lang]
        os.write(wr, struct.pack("d", time.perf_counter()))
        os.close(wr)
        os.execve(binary, argv, env)
    os.close(wr)
    start = struct.unpack("d", os.read(rd, 8))[0]
    os.close(rd)
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
        # Wide characters may come one cursor move apart: look at the text without escapes.
        if MARKERS[lang].encode() in CSI.sub(b"", seen):
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
    lang = "en"
    history = None
    binary = "target/release/msi-setup"
    while args:
        a = args.pop(0)
        if a == "--runs":
            runs = int(args.pop(0))
        elif a == "--config-dir":
            config = args.pop(0)
        elif a == "--lang":
            lang = args.pop(0)
        elif a == "--history":
            history = int(args.pop(0))
        else:
            binary = a
    made = None
    if history is not None:
        made = tempfile.mkdtemp()
        config = os.path.join(made, "history")
        os.mkdir(config)
        with open(os.path.join(config, "progress.toml"), "w") as f:
            f.write('version = 1\n\n[setup]\nroles = ["marketo-admin"]\nname = "Ana"\n\n'
                    '[items.set-up-sales-account]\nstatus = "done"\n')
        with open(os.path.join(config, "invited.txt"), "w") as f:
            for i in range(history):
                f.write("user%d@example.com\n" % i)
    times = []
    for _ in range(runs):
        tmp = tempfile.mkdtemp()
        try:
            cfg = os.path.join(tmp, "cfg")
            if config:
                shutil.copytree(config, cfg)
            else:
                os.mkdir(cfg)
            t = one(os.path.abspath(binary), cfg, lang)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        if t is None:
            sys.exit("no frame within 10 s")
        times.append(t * 1000)
    if made:
        shutil.rmtree(made, ignore_errors=True)
    with open("/proc/loadavg") as f:
        load = " ".join(f.read().split()[:3])
    print(
        "first frame (pty 80x24, %s, %s, %d runs, load %s): best %.1f ms, median %.1f ms, worst %.1f ms"
        % (lang, "history of %d addresses" % history if history is not None else (config or "fresh config"),
           runs, load, min(times), statistics.median(times), max(times))
    )


if __name__ == "__main__":
    main()
