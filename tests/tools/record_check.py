#!/usr/bin/python3
# record_check.py - checks the figures of an exported incident record (the JSON and
# the Markdown of `watchfloor --batch --export`) against numbers this script
# computes itself from the backend's API: the snapshot's stats rows (hour buckets:
# attempts and outcomes per platform, variants), the incident in the snapshot
# (opening to activation / conclusion), and every sighting item of the event log
# (first sighting, first block, peak attempts in one minute). Exit 0 when every
# figure matches, 1 with each mismatch printed.
# Usage: record_check.py INCIDENT record.json record.md snapshot.json events.ndjson
import json
import re
import sys
from datetime import datetime, timezone


KEYS = ("attempts", "blocked", "removed", "kept", "pending", "kept_exception",
        "unmatched", "near_misses")


def ms(t):
    if t is None:
        return None
    d = datetime.strptime(t.replace("Z", "+0000"), "%Y-%m-%dT%H:%M:%S.%f%z")
    return int(round(d.timestamp() * 1000))


def fmt_ms(v):
    return datetime.fromtimestamp(v / 1000, timezone.utc).strftime(
        "%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (v % 1000)


def main():
    inc, rec_path, md_path, snap_path, ev_path = sys.argv[1:6]
    rec = json.load(open(rec_path, encoding="utf-8"))
    md = open(md_path, encoding="utf-8").read()
    snap = json.load(open(snap_path, encoding="utf-8"))
    bad = []

    def check(what, got, want):
        if got != want:
            bad.append(f"{what}: record {got!r}, API {want!r}")

    # 1. per platform totals and variants from the snapshot's hour buckets
    want = {}
    variants = 0
    for row in snap["stats"]:
        if row["incident_id"] != inc or row["width_s"] != 3600:
            continue
        p = want.setdefault(row["platform_id"], dict.fromkeys(KEYS, 0))
        for k in p:
            p[k] += row.get(k, 0)
        variants += row["variants"]
    plats = {p["platform_id"]: p for p in rec["figures"]["platforms"]}
    sighted = {k for k, v in want.items() if v["attempts"] > 0}
    check("platforms with sightings", set(plats), sighted)
    for pid in sighted & set(plats):
        for k in KEYS:
            check(f"{pid} {k}", plats[pid][k], want[pid][k])
        share = want[pid]["blocked"] / want[pid]["attempts"]
        if abs(plats[pid]["blocked_share"] - share) > 1e-9:
            bad.append(f"{pid} blocked_share {plats[pid]['blocked_share']} != {share}")
    tot = rec["figures"]["totals"]
    for k in KEYS:
        check(f"total {k}", tot[k], sum(p[k] for p in want.values()))
    check("variants", tot["variants"], variants)

    # 2. opening -> activation -> conclusion from the incident itself
    i = next(x for x in snap["incidents"] if x["id"] == inc)
    for key, end in (("time_to_activation_ms", "activated_at"),
                     ("time_to_conclusion_ms", "concluded_at")):
        w = ms(i[end]) - ms(i["opened_at"]) if i.get(end) else None
        check(key, rec["figures"][key], w)

    # 3. first sighting, first block and peak per minute from every item
    first, block, minutes = {}, {}, {}
    for line in open(ev_path, encoding="utf-8"):
        ev = json.loads(line)
        if ev["type"] != "sightings" or ev["data"]["incident_id"] != inc:
            continue
        pid = ev["data"]["platform_id"]
        m = minutes.setdefault(pid, {})
        # uploads that matched no signal are attempts (per minute) too, but no
        # sighting of a signal: not a first sighting or block
        for it in ev["data"].get("unmatched", []):
            t = ms(it["seen_at"])
            m[t - t % 60000] = m.get(t - t % 60000, 0) + it["count"]
        for it in ev["data"]["items"]:
            t = ms(it["seen_at"])
            first[pid] = min(first.get(pid, t), t)
            if it["outcome"] == "blocked":
                block[pid] = min(block.get(pid, t), t)
            m[t - t % 60000] = m.get(t - t % 60000, 0) + it["count"]
    for pid in sighted & set(plats):
        p = plats[pid]
        check(f"{pid} first_sighting", ms(p["first_sighting"]), first.get(pid))
        check(f"{pid} first_block", ms(p["first_block"]), block.get(pid))
        ttb = block[pid] - first[pid] if pid in block and pid in first else None
        check(f"{pid} time_to_first_block_ms", p["time_to_first_block_ms"], ttb)
        check(f"{pid} peak_per_min", p["peak_per_min"], max(minutes[pid].values()))

    # 4. the Markdown shows the same figures
    rows = {}
    section = md.split("\n## Per platform\n", 1)[-1].split("\n## ", 1)[0]
    for m in re.finditer(r"^\| ([^|]+?) \((p[^)]*)\) \| (.*) \|$", section, re.M):
        rows[m.group(2).replace("\\", "")] = [c.strip() for c in m.group(3).split(" | ")]
    for pid in sighted:
        r = rows.get(pid)
        if not r:
            bad.append(f"markdown: no row for {pid}")
            continue
        # First sighting | Time to first block | Attempts | Blocked | Removed | Kept |
        # Pending | Blocked share | Peak per minute | Peak minute
        check(f"markdown {pid} first sighting", r[0],
              fmt_ms(first[pid]) if pid in first else "-")
        for n, k in enumerate(("attempts", "blocked", "removed", "kept", "pending")):
            check(f"markdown {pid} {k}", r[2 + n], str(want[pid][k]))
        check(f"markdown {pid} share", r[7],
              "%.1f %%" % (100.0 * want[pid]["blocked"] / want[pid]["attempts"]))
        check(f"markdown {pid} peak", r[8], str(max(minutes[pid].values())))
    for label, k in (("Upload attempts", "attempts"), ("Blocked at upload", "blocked"),
                     ("Variants", "variants")):
        m = re.search(r"^\| " + label + r" \| (\d+) \|$", md, re.M)
        want_v = variants if k == "variants" else sum(p[k] for p in want.values())
        check(f"markdown {label}", m and int(m.group(1)), want_v)

    for b in bad:
        print(b)
    print(f"record_check: {len(sighted)} platforms, {len(bad)} mismatches")
    return 1 if bad or not sighted else 0


if __name__ == "__main__":
    sys.exit(main())
