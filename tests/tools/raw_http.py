#!/usr/bin/env python3
"""raw_http.py - sends hand-made HTTP/1.1 requests on one TCP connection and prints
what comes back, for header hygiene tests that no HTTP client library would send.

    raw_http.py [--pipeline] [--half-close] [--body] [--tls CAFILE] PORT REQUEST...

Each REQUEST is a Python string literal body ("\\r\\n", "\\x00" escapes). By default
a request is sent, its answer read, then the next one (keep-alive); --pipeline sends
them all at once first; --half-close shuts the write side after the last one.
Prints one line per answer, "STATUS" (with --body: "STATUS BODY"), then "eof" when
the server closed the connection within 1.5 s, else "open". --tls speaks TLS,
trusting the certificates of CAFILE for 127.0.0.1."""
import socket
import ssl
import sys
import time


def read_answer(sock, buf):
    """Reads one answer from sock (bytes already read in buf[0]); returns
    (status, body) or None at EOF."""
    def more():
        chunk = sock.recv(65536)
        if not chunk:
            raise EOFError
        buf[0] += chunk

    try:
        while b"\r\n\r\n" not in buf[0]:
            more()
    except EOFError:
        return None
    head, buf[0] = buf[0].split(b"\r\n\r\n", 1)
    lines = head.split(b"\r\n")
    status = lines[0].split(b" ")[1].decode()
    fields = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        fields[name.strip().lower()] = value.strip()
    body = b""
    try:
        if b"content-length" in fields:
            n = int(fields[b"content-length"])
            while len(buf[0]) < n:
                more()
            body, buf[0] = buf[0][:n], buf[0][n:]
        elif fields.get(b"transfer-encoding", b"").lower() == b"chunked":
            while True:
                while b"\r\n" not in buf[0]:
                    more()
                size_line, buf[0] = buf[0].split(b"\r\n", 1)
                n = int(size_line.split(b";")[0], 16)
                while len(buf[0]) < n + 2:
                    more()
                body += buf[0][:n]
                buf[0] = buf[0][n + 2:]
                if n == 0:
                    break
    except EOFError:
        pass
    return status, body


def main():
    args = sys.argv[1:]
    pipeline = half_close = show_body = False
    cafile = None
    while args and args[0].startswith("--"):
        flag = args.pop(0)
        if flag == "--tls":
            cafile = args.pop(0)
        pipeline |= flag == "--pipeline"
        half_close |= flag == "--half-close"
        show_body |= flag == "--body"
    port = int(args.pop(0))
    reqs = [a.encode().decode("unicode_escape").encode("latin-1") for a in args]
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    if cafile:
        sock = ssl.create_default_context(cafile=cafile).wrap_socket(
            sock, server_hostname="127.0.0.1")
    buf = [b""]
    out = []

    def answer():
        got = read_answer(sock, buf)
        if got is None:
            return False
        status, body = got
        out.append(status + (" " + body.decode("utf-8", "replace") if show_body else ""))
        return True

    if pipeline:
        sock.sendall(b"".join(reqs))
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        for _ in reqs:
            if not answer():
                break
    else:
        for i, req in enumerate(reqs):
            try:
                sock.sendall(req)
            except OSError:
                break
            if half_close and i == len(reqs) - 1:
                sock.shutdown(socket.SHUT_WR)
            if not answer():
                break
    sock.settimeout(1.5)
    state = "open"
    start = time.monotonic()
    try:
        while time.monotonic() - start < 1.5:
            if not sock.recv(65536):
                state = "eof"
                break
    except socket.timeout:
        pass
    except OSError:
        state = "eof"
    for line in out:
        print(line)
    print(state)


main()
