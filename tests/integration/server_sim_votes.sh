#!/bin/sh
# server_sim_votes.sh - the simulator's issue 12 steps on a small scenario of the
# test's own: simulated organisations vote by quorum (one vote leaves an activate at
# 1/2, a second organisation closes it and the incident is activated), a candidate
# signal is approved or rejected by its add_signal decision, an exception granted by
# two organisations covers a platform's kept sightings, a notification is recorded;
# a vote on a decision already closed is skipped; bad lines stop the server.
set -eu
. tests/integration/lib.sh
wf_setup
cat >"$T/votes.scenario" <<'SC'
0   platform id=p-fb name="Facebook" volume=0
0   platform id=p-yt name="YouTube" volume=0
0   platform id=p-x  name="X" volume=0
0   incident ref=main title="Attack" tier=incident state=monitoring
0   spread   ref=main share=0 seed_variants=1
1m  decision ref=main kind=activate label=act priority=high due=1h subject="Activate"
2m  vote     decision=act org=p-fb action=approve reason="fb agrees"
3m  vote     decision=act org=p-fb action=approve reason="fb again: not counted"
4m  signal   ref=main candidate=true platform=p-yt label=cand
5m  vote     decision=cand org=p-x action=approve reason="verified"
6m  signal   ref=main candidate=true platform=p-x label=cand2
7m  vote     decision=cand2 org=p-fb action=reject reason="not the attack"
8m  decision ref=main kind=public_interest signal=cand keep=p-yt label=pi subject="Keep the news copy" detail="news archive"
9m  vote     decision=pi org=p-fb action=approve
10m vote     decision=pi org=p-x action=approve
11m sighting ref=main signal=cand platform=p-yt outcome=kept count=9
11m sighting ref=main signal=cand platform=p-fb outcome=kept count=2
12m decision ref=main kind=notify_authority label=pol authority="NZ Police" subject="Tell the police"
13m vote     decision=pol org=p-yt action=approve reason="legal ok"
20m vote     decision=act org=p-yt action=approve reason="yt agrees"
21m vote     decision=act org=p-x action=approve reason="already closed: skipped"
SC
start_server --simulate "$T/votes.scenario" --speed 600
done_() {
	req "$VIEWER" GET /v1/snapshot >/dev/null
	jq -e '.incidents[0].tier == "protocol_activated"' "$T/body" >/dev/null
}
wait_for 30 done_ || fail "the simulated organisations did not activate: $(head -c 600 "$T/body")"
body_has '.incidents[0].state == "active" and (.incidents[0].activated_at | type == "string")'
body_has '[.decisions[] | select(.kind == "activate")][0] | .state == "approved" and .approved_by == ["p-fb","p-yt"] and (.votes | length) == 3 and .votes[1].counted == false and .votes[0].by == "Facebook officer"'
body_has '[.signals[] | select(.state == "active" and .platform_id == "p-yt")] | length == 1'
body_has '[.signals[] | select(.state == "rejected")] | length == 1 and .[0].platform_id == "p-x"'
body_has '.exceptions | length == 1 and .[0].platform_id == "p-yt" and .[0].granted_by == ["p-fb","p-x"] and .[0].reason == "news archive"'
body_has '.notifications | length == 1 and .[0].authority == "NZ Police" and .[0].by == "YouTube officer"'
body_has '[.stats[] | select(.width_s == 60 and .platform_id == "p-yt")] | map(.kept_exception) | add == 9'
body_has '[.stats[] | select(.width_s == 60 and .platform_id == "p-fb")] | map(.kept) | add == 2'
body_has '[.stats[] | select(.width_s == 60 and .platform_id == "p-fb")] | map(.kept_exception) | add == 0'
stop_server
! grep -q 'sim: scenario line' "$T/server.err" || fail "simulator errors: $(grep 'sim:' "$T/server.err")"

# Bad lines stop the server with the line number.
bad() { # LINE-TEXT EXPECTED-MESSAGE
	printf '0 platform id=p-fb name=F\n0 incident ref=main title=T\n%s\n' "$1" >"$T/bad.scenario"
	if "$WFD" --listen 127.0.0.1:0 --db "$T/bad.db" --simulate "$T/bad.scenario" >/dev/null 2>"$T/bad.err"; then
		fail "accepted: $1"
	fi
	grep -q ":3: .*$2" "$T/bad.err" || fail "$1: $(cat "$T/bad.err")"
}
bad '1m vote decision=nope org=p-fb action=approve' 'vote needs decision='
printf '0 platform id=p-fb name=F\n0 incident ref=main title=T\n1m decision ref=main kind=activate label=a subject=s\n2m vote decision=a org=p-zz action=approve\n' >"$T/bad.scenario"
! "$WFD" --listen 127.0.0.1:0 --db "$T/bad.db" --simulate "$T/bad.scenario" >/dev/null 2>"$T/bad.err" || fail "unknown org accepted"
grep -q ':4: vote needs' "$T/bad.err" || fail "unknown org: $(cat "$T/bad.err")"
bad '1m decision ref=main kind=change_tier subject=s' 'change_tier needs tier='
bad '1m decision ref=main kind=notify_authority subject=s' 'notify_authority needs authority='
bad '1m decision ref=main kind=public_interest subject=s' 'public_interest needs keep='
bad '1m signal ref=main candidate=true' 'a candidate signal needs platform='
bad '1m sighting ref=main signal=x platform=p-fb outcome=kept' 'sighting needs signal='
echo "server_sim_votes: ok"
