#!/usr/bin/python3
# post_incidents.py - posts N incidents to watchfloord over one keep-alive
# connection (fast enough for hundreds in a test): "Incident 0".."Incident N-1",
# awareness / monitoring, the oldest first.
#
#   post_incidents.py URL TOKEN N [TIER STATE]
import http.client
import json
import sys
import urllib.parse


def main():
    url, token, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    tier = sys.argv[4] if len(sys.argv) > 4 else "awareness"
    state = sys.argv[5] if len(sys.argv) > 5 else "monitoring"
    u = urllib.parse.urlparse(url)
    conn = http.client.HTTPConnection(u.hostname, u.port, timeout=30)
    head = {"Authorization": "Bearer " + token, "Content-Type": "application/json"}
    for i in range(n):
        body = json.dumps({"title": "Incident %d" % i, "location": "", "tier": tier,
                           "state": state, "summary": ""})
        conn.request("POST", "/v1/incidents", body, head)
        r = conn.getresponse()
        r.read()
        if r.status not in (200, 201):
            sys.exit("POST /v1/incidents #%d: HTTP %d" % (i, r.status))


if __name__ == "__main__":
    main()
