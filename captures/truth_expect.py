"""Checks shared by verify_truth.py and verify_truth_modern.py: the acks a truth file's
expect line says came late or never came, against the requests and acks seen on the wire."""


def check_acks(expect, reqs, acks, time_of, event_of, errors):
    """reqs: (sid, dir, nsp, id) -> (frame, request); acks: the same key (the request's
    direction) -> frame of its ack; time_of(frame) -> seconds; event_of(request) -> event name."""

    def request(item, what):
        k = (item['sid'], item['dir'], item['nsp'], item['id'])
        r = reqs.get(k)
        if r is None:
            errors.append('expect %s: request %r is not on the wire' % (what, k))
            return k, None
        if event_of(r[1]) != item.get('event'):
            errors.append('expect %s: request %r is %r, not %r' % (what, k, event_of(r[1]), item.get('event')))
        return k, r

    for item in expect.get('late_acks', []):
        k, r = request(item, 'late_acks')
        if k not in acks:
            errors.append('expect late_acks: no ack for %r on the wire' % (k,))
        elif r is not None:
            gap = (time_of(acks[k]) - time_of(r[0])) * 1000
            if abs(gap - item['delay_ms']) > 250:
                errors.append('expect late_acks: %r acked %.0f ms later on the wire, truth says %s ms'
                              % (k, gap, item['delay_ms']))
            else:
                print('  expect: late ack %s %s %s id %s: %.0f ms on the wire (truth %d ms)'
                      % (k[0], k[1], item.get('event'), k[3], gap, item['delay_ms']))
    for item in expect.get('unanswered', []):
        k, r = request(item, 'unanswered')
        if k in acks:
            errors.append('expect unanswered: %r has an ack on the wire' % (k,))
        elif r is not None:
            print('  expect: unanswered %s %s %s id %s' % (k[0], k[1], item.get('event'), k[3]))
