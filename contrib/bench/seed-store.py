#!/usr/bin/env python3
# seed.py DB N: adds N succeeded replay records (each with one answered attempt) to a replayd store,
# last changed `age_hours` ago (default 48 h: older than the default 24 h retention).
import sqlite3, sys, time
db, n = sys.argv[1], int(sys.argv[2])
age = float(sys.argv[3]) if len(sys.argv) > 3 else 48
con = sqlite3.connect(db)
con.execute("PRAGMA journal_mode=WAL")
now = int(time.time() * 1000) - int(age * 3600 * 1000)
body = b'{"id":"run_seed","status":"queued","metadata":{}}\n'
cols = ("principal, key, key_source, fingerprint, action, run_id, from_checkpoint, force, door, request_id, state, "
        "created_at, updated_at, next_action_at, reconcile_deadline, project_id, new_run_id, coalesced_from_principal, "
        "coalesced_from_key, response_status, response_body, error_code, error_message, resolution")
batch = 50000
for start in range(0, n, batch):
    rows = [("bench", f"seed-{i}", "client", "fp", "replay", "run_seed", None, 1, "socket", f"rq_seed{i}", "succeeded",
             now, now, None, None, None, f"run_new{i}", None, None, 201, body, None, None, None)
            for i in range(start, min(n, start + batch))]
    con.executemany(f"INSERT INTO replays ({cols}) VALUES ({','.join('?'*24)})", rows)
    con.executemany("INSERT INTO attempts (principal, key, number, request_id, recorded_at, outcome, status, finished_at) "
                    "VALUES (?,?,?,?,?,?,?,?)",
                    [("bench", f"seed-{i}", 1, f"rq_seed{i}-1", now, "answered", 201, now) for i in range(start, min(n, start + batch))])
    con.commit()
con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
con.close()
