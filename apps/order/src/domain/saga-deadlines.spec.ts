import { onOverdue, OPEN_STATUSES, parseSagaDeadlines, DEFAULT_SAGA_DEADLINES } from './saga-deadlines';

describe('saga deadlines', () => {
  it('reads a deadline for every open status, in any unit', () => {
    expect(parseSagaDeadlines('PENDING=90s, PAID=2m,RECEIVED=24h,ACCEPTED=1500ms,SHIPPING=7d,CANCELING=10m')).toEqual({
      PENDING: 90_000,
      PAID: 120_000,
      RECEIVED: 86_400_000,
      ACCEPTED: 1500,
      SHIPPING: 604_800_000,
      CANCELING: 600_000,
    });
    expect(Object.keys(parseSagaDeadlines(DEFAULT_SAGA_DEADLINES)).sort()).toEqual([...OPEN_STATUSES].sort());
  });

  it.each([
    ['PENDING=2m', /no deadline for PAID, RECEIVED, ACCEPTED, SHIPPING, CANCELING/],
    [`${DEFAULT_SAGA_DEADLINES},DELIVERED=1m`, /DELIVERED is not an open status/],
    ['PENDING=soon', /"PENDING=soon" is not STATUS=/],
    [DEFAULT_SAGA_DEADLINES.replace('PENDING=2m', 'PENDING=500ms'), /under a second/],
  ])('refuses %s', (text, why) => {
    expect(() => parseSagaDeadlines(text)).toThrow(why);
  });

  it('cancels only an order whose payment never answered; reports the others', () => {
    expect(OPEN_STATUSES.map((s) => [s, onOverdue(s)])).toEqual([
      ['PENDING', 'cancel'],
      ['PAID', 'report'],
      ['RECEIVED', 'report'],
      ['ACCEPTED', 'report'],
      ['SHIPPING', 'report'],
      ['CANCELING', 'report'],
    ]);
  });
});
