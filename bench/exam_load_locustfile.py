"""The locustfile of bench/exam_load.py (run by it: `locust -f bench/exam_load_locustfile.py CLASS`).
Not a script of its own (`make bench` runs every bench/*.py: then it does nothing).

User classes, one per phase; every request is recorded raw (end time, latency, ok) and written as
JSON to $EXAM_LOAD_OUT when locust stops, so bench/exam_load.py computes its own exact percentiles.

- Candidate (the scenario): one ticket each; GET /exam/, POST /exam/ (login), GET /exam/ticket/,
  POST /exam/start/, GET /exam/attempt/ as soon as it is spawned (locust spawns N/60 a second, so
  all log in and start within 60 s); then one POST /exam/attempt/save/ every $EXAM_LOAD_SAVE_EVERY s
  until $EXAM_LOAD_EXAM_SECONDS after its own start, then POST /exam/attempt/ action=submit with its
  answers, GET /exam/result/, and it stops. When every candidate is done, locust quits.
- Capacity (closed loop at a fixed concurrency): every user waits until all are spawned, then
  POSTs as fast as answers come back, in $EXAM_LOAD_ROUNDS rounds of three $EXAM_LOAD_SLOT-second
  slots: the bare view, starts (each on the next logged-in, not yet started ticket of
  $EXAM_LOAD_SESSIONS), saves (on the attempt the user started, with the save pass cookie its
  start gave, as a browser sends it). Interleaving the three makes a
  change in background load on a shared machine hit all three alike. All three send the same kind
  of request: a form body, cookies, an X-CSRFToken header; only the path differs.
- Proof (before the scenario, not timed): three wrong access codes for one spare ticket
  ($EXAM_LOAD_PROOF_TICKET), so that bench/exam_load.py can check in the database that the app
  counted them against the forwarded address.

Every request of every class carries `X-Forwarded-For: $EXAM_LOAD_FORWARDED_FOR` (the exam room's
NAT address; gunicorn trusts 127.0.0.1 as its proxy), so the app sees all candidates as one client.
"""

if __name__ == "__main__":  # pragma: no cover
    print("bench/exam_load_locustfile.py is a helper of bench/exam_load.py; nothing to run.")
    raise SystemExit(0)

import csv  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import re  # noqa: E402
import time  # noqa: E402
from urllib.parse import urlencode  # noqa: E402

import gevent  # noqa: E402
from gevent.event import Event  # noqa: E402
from locust import FastHttpUser, constant, events, task  # noqa: E402

OUT = os.environ.get("EXAM_LOAD_OUT", "/tmp/exam_load_out.json")
EXAM_SECONDS = float(os.environ.get("EXAM_LOAD_EXAM_SECONDS", "60"))
SAVE_EVERY = float(os.environ.get("EXAM_LOAD_SAVE_EVERY", "15"))
USERS = int(os.environ.get("EXAM_LOAD_USERS", "1"))
FORWARDED_FOR = os.environ.get("EXAM_LOAD_FORWARDED_FOR", "")

FORM = {"Content-Type": "application/x-www-form-urlencoded"}
TOKEN_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
OPTION_RE = re.compile(r'type="(radio|checkbox)" name="q(\d+)" value="([A-F])"')
SAVE_PASS_RE = re.compile(r"exam_save_pass=([^;]+)")

# ---------------------------------------------------------------------------------- recording

samples: list[tuple[str, float, float, bool]] = []  # (name, end time, latency ms, ok)
errors: dict[str, int] = {}
state = {"window_start": None, "window_end": None, "done": 0, "completed": 0, "failed": 0, "pool_empty": None}
go = Event()


@events.request.add_listener
def _record(request_type, name, response_time, start_time, exception, **_kw):
    samples.append((name, start_time + response_time / 1000.0, response_time, exception is None))
    if exception is not None:
        key = f"{name}: {str(exception)[:160]}"
        errors[key] = errors.get(key, 0) + 1


def _write(environment, **_kw):
    with open(OUT, "w") as f:
        json.dump({"samples": samples, "errors": errors, "state": state}, f)


events.test_stop.add_listener(_write)
events.quitting.add_listener(_write)


def _idle():
    """A user that is done stays (idle) until locust quits: a user that stopped would be replaced by
    a new one while locust is still spawning."""
    while True:
        gevent.sleep(3600)


def _quit_soon(environment, delay=0.2):
    gevent.spawn_later(delay, environment.runner.quit)


def _read_csv(env_name):
    path = os.environ.get(env_name)
    if not path:
        return iter(())
    with open(path, newline="") as f:
        return iter(list(csv.reader(f)))


TICKETS = _read_csv("EXAM_LOAD_TICKETS")  # number, access code
SESSIONS = _read_csv("EXAM_LOAD_SESSIONS")  # session key, csrf secret


class FlowError(Exception):
    pass


def _flow_failed(reason: str) -> None:
    key = f"candidate flow ended: {reason[:160]}"
    errors[key] = errors.get(key, 0) + 1


def _expect(response, *, status, location=None, contains=None):
    """Mark the request failed (and end the candidate's flow) unless the answer is what it should be."""
    problem = None
    if response.status_code != status:
        problem = f"HTTP {response.status_code}, expected {status}"
    elif location is not None and not (response.headers.get("location") or "").endswith(location):
        problem = f"redirect to {response.headers.get('location')!r}, expected {location!r}"
    elif contains is not None and contains not in (response.text or ""):
        problem = f"answer lacks {contains!r}"
    if problem:
        response.failure(problem)
        raise FlowError(problem)
    response.success()


# ---------------------------------------------------------------------------------- the scenario


class ExamRoomUser(FastHttpUser):
    """Behind the exam room's NAT and the site's TLS proxy: every request names the room's one
    address in X-Forwarded-For (merged into each request's own headers)."""

    abstract = True
    wait_time = constant(0)
    network_timeout = 120.0
    connection_timeout = 120.0
    default_headers = {"X-Forwarded-For": FORWARDED_FOR} if FORWARDED_FOR else None


class Candidate(ExamRoomUser):

    def on_start(self):
        self.ticket = next(TICKETS, None)

    def _get(self, path, name, **expect):
        with self.client.get(path, name=name, catch_response=True, allow_redirects=False) as r:
            _expect(r, **expect)
            return r.text

    def _post(self, path, name, fields, headers=None, **expect):
        with self.client.post(path, name=name, data=urlencode(fields), headers={**FORM, **(headers or {})},
                              catch_response=True, allow_redirects=False) as r:
            _expect(r, **expect)
            return r.text

    @task
    def sit_the_exam(self):
        """Once per candidate: any failure ends its flow (counted), and it never starts over."""
        ok = False
        try:
            if self.ticket is None:
                raise FlowError("no ticket left for this user")
            self._exam(*self.ticket)
            ok = True
        except FlowError as error:
            _flow_failed(str(error))
        except Exception as error:  # noqa: BLE001 - a bug here must not make the user start over
            _flow_failed(f"{type(error).__name__}: {error}")
        state["completed" if ok else "failed"] += 1
        state["done"] += 1
        if state["done"] >= USERS:
            _quit_soon(self.environment, 1.0)
        _idle()

    def _exam(self, number, code):
        started = time.time()
        page = self._get("/exam/", "GET /exam/ (entry)", status=200, contains="csrfmiddlewaretoken")
        token = TOKEN_RE.search(page).group(1)
        self._post("/exam/", "POST /exam/ (login)", {"csrfmiddlewaretoken": token, "ticket_number": number, "access_code": code},
                   status=302, location="/exam/ticket/")
        page = self._get("/exam/ticket/", "GET /exam/ticket/", status=200, contains="/exam/start/")
        token = TOKEN_RE.search(page).group(1)
        self._post("/exam/start/", "POST /exam/start/", {"csrfmiddlewaretoken": token}, status=302, location="/exam/attempt/")
        page = self._get("/exam/attempt/", "GET /exam/attempt/", status=200, contains='name="q29"')
        token = TOKEN_RE.search(page).group(1)
        options: dict[int, tuple[str, list[str]]] = {}
        for kind, position, letter in OPTION_RE.findall(page):
            options.setdefault(int(position), (kind, []))[1].append(letter)
        if sorted(options) != list(range(30)):
            raise FlowError(f"the paper shows {len(options)} questions")
        answers: dict[int, str] = {}
        rng = random.Random(number)
        k = 1
        while started + k * SAVE_EVERY <= started + EXAM_SECONDS:
            gevent.sleep(max(0.0, started + k * SAVE_EVERY - time.time()))
            position = rng.randrange(30)
            kind, letters = options[position]
            answer = "".join(sorted(rng.sample(letters, 2))) if kind == "checkbox" else rng.choice(letters)
            with self.client.post("/exam/attempt/save/", name="POST /exam/attempt/save/",
                                  data=urlencode({"position": position, "answer": answer}),
                                  headers={**FORM, "X-CSRFToken": token}, catch_response=True) as r:
                if r.status_code != 200 or '"saved": true' not in (r.text or ""):
                    r.failure(f"HTTP {r.status_code}: {(r.text or '')[:80]}")
                    raise FlowError("save")
                r.success()
            answers[position] = answer
            k += 1
        gevent.sleep(max(0.0, started + EXAM_SECONDS - time.time()))
        fields = [("csrfmiddlewaretoken", token), ("action", "submit")]
        fields += [(f"q{position}", letter) for position, answer in sorted(answers.items()) for letter in answer]
        self._post("/exam/attempt/", "POST /exam/attempt/ (submit)", fields, status=302, location="/exam/result/")
        self._get("/exam/result/", "GET /exam/result/", status=200)


# ---------------------------------------------------------------------------------- capacity

ROUNDS = int(os.environ.get("EXAM_LOAD_ROUNDS", "3"))
SLOT = float(os.environ.get("EXAM_LOAD_SLOT", "5"))
ORDER = ("baseline", "start", "save")
BASELINE = "POST /bench/baseline/ (bare view, 1 upsert)"
START = "POST /exam/start/"
SAVE = "POST /exam/attempt/save/"
_keys = iter(range(1, 1_000_000))


def _open_slots(environment):
    """All users are ready: lay out ROUNDS × (baseline, start, save) slots of SLOT seconds."""
    t = time.time() + 0.5
    state["slots"] = [[kind, t + (r * len(ORDER) + i) * SLOT, t + (r * len(ORDER) + i + 1) * SLOT]
                      for r in range(ROUNDS) for i, kind in enumerate(ORDER)]
    state["window_start"], state["window_end"] = state["slots"][0][1], state["slots"][-1][2]
    go.set()
    # after the last slot nobody starts a request; quit once those in flight have answered
    gevent.spawn_later(state["window_end"] - time.time() + 3.0, environment.runner.quit)


def _slot(now):
    for kind, begin, end in state.get("slots") or ():
        if begin <= now < end:
            return kind, end
    return None, None


def _json_saved(r):
    if r.status_code != 200 or '"saved": true' not in (r.text or ""):
        return f"HTTP {r.status_code}: {(r.text or '')[:80]}"
    return None


def _started(r):
    location = r.headers.get("location") or ""
    if r.status_code != 302 or not location.endswith("/exam/attempt/"):
        return f"HTTP {r.status_code} to {location!r}, expected 302 to /exam/attempt/"
    return None


class Proof(ExamRoomUser):
    """Three wrong access codes for the spare ticket $EXAM_LOAD_PROOF_TICKET (each answered 400),
    then locust quits. Not timed: bench/exam_load.py only checks what the database counted."""

    @task
    def wrong_codes(self):
        number = os.environ["EXAM_LOAD_PROOF_TICKET"]
        try:
            for _ in range(int(os.environ.get("EXAM_LOAD_PROOF_TRIES", "3"))):
                with self.client.get("/exam/", name="proof: GET /exam/", catch_response=True) as r:
                    _expect(r, status=200, contains="csrfmiddlewaretoken")
                    token = TOKEN_RE.search(r.text).group(1)
                with self.client.post("/exam/", name="proof: POST /exam/ (wrong code)", headers=FORM, catch_response=True,
                                      data=urlencode({"csrfmiddlewaretoken": token, "ticket_number": number,
                                                      "access_code": "WRONG234"}), allow_redirects=False) as r:
                    _expect(r, status=400)
            state["completed"] += 1
        except FlowError as error:
            _flow_failed(str(error))
            state["failed"] += 1
        _quit_soon(self.environment)
        _idle()


class Capacity(ExamRoomUser):
    """Closed loop, no think time. In the baseline slots it posts the bare view; in the start slots
    it starts the next logged-in ticket of the pool; in the save slots it saves answers on the last
    attempt it started. Every request: a form body, cookies (csrftoken, and sessionid for the exam),
    an X-CSRFToken header, X-Forwarded-For, no redirect followed."""

    def on_start(self):
        self.key = next(_keys)
        self.rng = random.Random(self.key)
        self.csrf = os.environ.get("EXAM_LOAD_CSRF", "x" * 32)
        self.mine = None  # (session key, csrf) of the attempt this user started last
        state["done"] += 1
        if state["done"] == USERS:
            _open_slots(self.environment)
        go.wait()

    def _post(self, path, name, fields, session_key, csrf, check, save_pass=None):
        """Returns the save pass the answer gave (Set-Cookie exam_save_pass, as the start gives one),
        or None when the answer was not right."""
        self.client.cookiejar.clear()  # exactly the cookies given, nothing left from a previous answer
        cookie = (f"csrftoken={csrf}" + (f"; sessionid={session_key}" if session_key else "")
                  + (f"; exam_save_pass={save_pass}" if save_pass else ""))
        with self.client.post(path, name=name, data=urlencode(fields), catch_response=True, allow_redirects=False,
                              headers={**FORM, "Cookie": cookie, "X-CSRFToken": csrf}) as r:
            problem = check(r)
            if problem:
                r.failure(problem)
                return None
            r.success()
            given = SAVE_PASS_RE.search(r.headers.get("set-cookie") or "")
            return given.group(1) if given else ""

    def _pause(self, until):
        """Idle until `until`; then drop the kept-alive connection, which gunicorn closes after 2 idle
        seconds: reusing it just as the server closes it would fail a request for nothing."""
        gevent.sleep(max(0.0, until - time.time()))
        self.client.client.close()

    @task
    def hit(self):
        kind, end = _slot(time.time())
        if kind is None:
            self._pause(time.time() + 0.2)
        elif kind == "baseline":
            self._post("/bench/baseline/", BASELINE, {"key": self.key * 30 + self.rng.randrange(30), "answer": self.rng.choice("ABCD")},
                       "", self.csrf, _json_saved)
        elif kind == "start":
            row = next(SESSIONS, None)
            if row is None:
                state["pool_empty"] = state["pool_empty"] or time.time()
                self._pause(end)
            else:
                save_pass = self._post("/exam/start/", START, {}, row[0], row[1], _started)
                if save_pass is not None:
                    # a browser keeps the pass the start gives and sends it with every save
                    self.mine = (row[0], row[1], save_pass)
        elif self.mine is None:
            state["no_attempt"] = state.get("no_attempt", 0) + 1
            self._pause(end)
        else:
            self._post("/exam/attempt/save/", SAVE, {"position": self.rng.randrange(30), "answer": self.rng.choice("AB")},
                       self.mine[0], self.mine[1], _json_saved, save_pass=self.mine[2])
