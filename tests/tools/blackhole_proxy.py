#!/usr/bin/python3
# blackhole_proxy.py - a loopback TCP proxy that can black-hole the path: while the
# hole is on, new connections are accepted and then held (nothing read, nothing
# answered, nothing closed), the way a dead middlebox or a stalled route behaves.
#
#   blackhole_proxy.py TARGET_PORT PORT_FILE [--hole]
#
# Listens on a free 127.0.0.1 port (written to PORT_FILE once listening) and
# forwards to 127.0.0.1:TARGET_PORT. SIGUSR1 turns the hole on, SIGUSR2 off;
# connections made during the hole stay held for good (as on a real silent path,
# only new connections get through once it is fine again). SIGTERM ends it.
import os
import selectors
import signal
import socket
import sys


def main():
    target = int(sys.argv[1])
    port_file = sys.argv[2]
    state = {"hole": "--hole" in sys.argv[3:], "run": True}

    def on_signal(sig, _frame):
        if sig == signal.SIGUSR1:
            state["hole"] = True
        elif sig == signal.SIGUSR2:
            state["hole"] = False
        else:
            state["run"] = False

    for s in (signal.SIGUSR1, signal.SIGUSR2, signal.SIGTERM, signal.SIGINT):
        signal.signal(s, on_signal)

    lsock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    lsock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(64)
    lsock.setblocking(False)
    tmp = port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % lsock.getsockname()[1])
    os.rename(tmp, port_file)

    sel = selectors.DefaultSelector()
    sel.register(lsock, selectors.EVENT_READ, None)
    held = []  # black-holed client sockets: kept open, never read
    peer = {}  # socket -> the other end of its forwarded pair

    def close_pair(s):
        o = peer.pop(s, None)
        for x in (s, o):
            if x is None:
                continue
            peer.pop(x, None)
            try:
                sel.unregister(x)
            except (KeyError, ValueError):
                pass
            x.close()

    while state["run"]:
        try:
            events = sel.select(timeout=0.2)
        except InterruptedError:
            continue
        for key, _ in events:
            s = key.fileobj
            if s is lsock:
                try:
                    c, _ = lsock.accept()
                except BlockingIOError:
                    continue
                if state["hole"]:
                    held.append(c)
                    continue
                u = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                try:
                    u.connect(("127.0.0.1", target))
                except OSError:
                    c.close()
                    u.close()
                    continue
                c.setblocking(False)
                u.setblocking(False)
                peer[c] = u
                peer[u] = c
                sel.register(c, selectors.EVENT_READ, None)
                sel.register(u, selectors.EVENT_READ, None)
                continue
            if s not in peer:
                continue
            try:
                data = s.recv(65536)
            except (BlockingIOError, InterruptedError):
                continue
            except OSError:
                data = b""
            if not data:
                close_pair(s)
                continue
            try:
                peer[s].setblocking(True)
                peer[s].sendall(data)
                peer[s].setblocking(False)
            except OSError:
                close_pair(s)
    for s in list(peer):
        close_pair(s)
    for c in held:
        c.close()


if __name__ == "__main__":
    main()
