"""What the python scenario clients share (py_client.py, py_stale_client.py):
the log line, a check that raises, the timeout of a call, the disconnect
nudge and the run with its exit status.

    from py_client_base import T, expect, log
    ...
    if __name__ == '__main__':
        py_client_base.run(main)
"""
import asyncio
import sys

T = 6          # seconds for one answer


def log(*a):
    print('[client]', *a, flush=True)


def expect(what, got, want):
    if got != want:
        raise AssertionError('%s: got %r want %r' % (what, got, want))


def let_disconnect_finish(sio):
    """python-socketio 5.7's disconnect() queues DISCONNECT for each
    namespace and the Engine.IO CLOSE packet, then closes the connection
    right away; a "/" disconnect handler that yields (the library awaits it
    first) lets its writer task put the queued packets on the wire first."""
    async def on_disconnect():
        await asyncio.sleep(0.2)
    sio.on('disconnect', on_disconnect, namespace='/')


async def disconnect_and_end(sio):
    """the last step of a client: disconnect(), 0.5 s for the last
    packets and the connections' close, "scenario ok"; returns 0"""
    await sio.disconnect()
    await asyncio.sleep(0.5)
    log('scenario ok')
    return 0


def run(main, seconds=25):
    """asyncio.run(main()) within seconds; exits 0, or 1 with a FAIL line"""
    try:
        sys.exit(asyncio.run(asyncio.wait_for(main(), seconds)))
    except Exception as e:
        print('[client] FAIL: %r' % (e,), flush=True)
        sys.exit(1)
