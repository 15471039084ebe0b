"""What the python scenario servers share (py_server.py, py_flask_server.py,
py_stale_server.py): the log and FAIL lines, scenario steps and checks, the
"listening on" line the capture scripts wait for, and the end of a run: the
steps checked, the recorder's problems reported, the truth file written
(py_truth.py), the exit status.

    import py_server_base as B
    B.step('x'); B.expect('what', got, want); B.fail('...')
    sys.exit(asyncio.run(B.serve_aiohttp(app, port, finished, the_end)))

Loads neither aiohttp nor gevent by itself.
"""
import py_truth

failed = []
done = set()


def log(*a):
    print('[server]', *a, flush=True)


def fail(msg):
    print('[server] FAIL: ' + msg, flush=True)
    failed.append(msg)


def step(name):
    log('step', name)
    done.add(name)


def expect(what, got, want):
    if got != want:
        fail('%s: got %r want %r' % (what, got, want))


def listening(port):
    log('listening on 127.0.0.1:%d' % port)


def timed_out(seconds):
    fail('scenario did not finish within %d s' % seconds)


def check_steps(needed):
    for n in sorted(set(needed) - done):
        fail('step not done: ' + n)


def write_truth(truth_path):
    """report the recorder's problems, write the truth file"""
    for p in py_truth.problems():
        fail('recorder: %r' % (p,))
    py_truth.write(truth_path)
    log('wrote %d truth records to %s' % (len(py_truth.records), truth_path))


def status():
    return 1 if failed else 0


async def serve_aiohttp(app, port, finished, the_end, seconds=25):
    """Serve an aiohttp app on 127.0.0.1:port until the asyncio.Event
    finished is set (at most seconds), then call the_end() (the checks and
    the truth file) and stop; returns the exit status."""
    import asyncio
    from aiohttp import web
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, '127.0.0.1', port)
    await site.start()
    listening(port)
    try:
        await asyncio.wait_for(finished.wait(), seconds)
    except asyncio.TimeoutError:
        timed_out(seconds)
    the_end()
    await runner.cleanup()
    return status()
