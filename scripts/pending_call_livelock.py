"""CPython 3.11 hangs when a pending call is queued during a pending call under a trace function.

Run `timeout 10 python scripts/pending_call_livelock.py`: it prints "finished" on 3.10, 3.12
and 3.13 and never returns on 3.11.7 (docs/hypothesis-state-machines.md). Needs `_testcapi`,
which CPython builds include.
"""

import _testcapi
import sys


def tracer(frame, event, arg):
    return tracer


sys.settrace(tracer)  # what coverage does


def inner():
    return 1


def callback():
    _testcapi._pending_threadfunc(lambda: None)  # a pending call queued during a pending call
    inner()  # 3.11 with a trace function: never returns
    return 0


_testcapi._pending_threadfunc(callback)
for _ in range(10**5):
    inner()
print("finished")
