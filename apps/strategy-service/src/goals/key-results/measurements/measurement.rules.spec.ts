import {
  checkAgainstKeyResult,
  checkMeasurement,
  csvNumber,
  Measurement,
  measurementId,
  parseMeasuredAt,
} from './measurement.rules';

const NOW = new Date('2026-03-10T12:00:00.000Z');
const KR = '7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e';
const good = { keyResultId: KR, value: 47.5, measuredAt: '2026-02-28T17:00:00Z', source: 'ERP' };

describe('measurement rules', () => {
  it.each([
    ['2026-02-28', '2026-02-28T00:00:00.000Z'],
    ['2026-02-28T17:00:00Z', '2026-02-28T17:00:00.000Z'],
    ['2026-02-28T18:00+01:00', '2026-02-28T17:00:00.000Z'],
    ['2026-03-01T00:30:00.123456-02:00', '2026-03-01T02:30:00.123Z'],
    ['2026-02-30', undefined],
    ['2026-13-01', undefined],
    ['2026-02-28T24:00:00Z', undefined],
    ['2026-02-28T17:00:00', undefined],
    ['28/02/2026', undefined],
    ['', undefined],
  ])('reads measuredAt %j as %s', (text, expected) => {
    expect(parseMeasuredAt(text)?.toISOString()).toBe(expected);
  });

  it.each([
    ['47.5', 47.5],
    [' -3 ', -3],
    ['1e3', 1000],
    ['.5', 0.5],
    ['1,5', '1,5'],
    ['Infinity', 'Infinity'],
    ['', ''],
    ['0x10', '0x10'],
  ])('reads the CSV cell %j as %j', (text, expected) => {
    expect(csvNumber(text)).toBe(expected);
  });

  it.each([
    [{}, []],
    [{ value: 1e15 }, []],
    [{ value: -1e15 - 1 }, ['value']],
    [{ value: '47.5' }, ['value']],
    [{ value: Number.NaN }, ['value']],
    [{ value: undefined }, ['value']],
    [{ keyResultId: 'kr-1' }, ['keyResultId']],
    [{ measuredAt: '2026-03-10T12:04:59Z' }, []],
    [{ measuredAt: '2026-03-10T12:05:01Z' }, ['measuredAt']],
    [{ measuredAt: 20260228 }, ['measuredAt']],
    [{ source: '  ' }, ['source']],
    [{ source: 'x'.repeat(201) }, ['source']],
    [{ colour: 'red' }, ['colour']],
    [
      { keyResultId: null, value: null, measuredAt: null, source: null },
      ['keyResultId', 'value', 'measuredAt', 'source'],
    ],
  ])('checks %j over a good row: problems in %j', (change, fields) => {
    const checked = checkMeasurement({ ...good, ...change }, NOW);
    expect(checked.ok ? [] : checked.problems.map((problem) => problem.field)).toEqual(fields);
  });

  it('normalises a good row: the UTC day measured, the source trimmed, the id in lower case', () => {
    expect(
      checkMeasurement(
        { ...good, keyResultId: KR.toUpperCase(), measuredAt: '2026-03-01T00:30+02:00', source: ' ERP ' },
        NOW,
      ),
    ).toEqual({
      ok: true,
      value: {
        keyResultId: KR,
        value: 47.5,
        measuredAt: new Date('2026-02-28T22:30:00.000Z'),
        measuredOn: '2026-02-28',
        source: 'ERP',
      },
    });
  });

  const measurement: Measurement = {
    keyResultId: KR,
    value: 1,
    measuredAt: new Date('2026-01-01T00:00:00Z'),
    measuredOn: '2026-01-01',
    source: 'ERP',
  };
  it.each([
    [undefined, /^no key result/],
    [
      { goalId: 'g', goalStatus: 'draft', periodStart: '2026-01-01' },
      /is draft: measurements are taken only while it is active/,
    ],
    [{ goalId: 'g', goalStatus: 'achieved', periodStart: '2026-01-01' }, /is achieved/],
    [{ goalId: 'g', goalStatus: 'active', periodStart: '2026-01-02' }, /before its goal began \(2026-01-02\)/],
    [{ goalId: 'g', goalStatus: 'active', periodStart: '2026-01-01' }, undefined],
  ])('checks a measurement against its key result %j', (keyResult, problem) => {
    const problems = checkAgainstKeyResult(measurement, keyResult);
    if (problem) expect(problems).toEqual([{ field: expect.any(String), message: expect.stringMatching(problem) }]);
    else expect(problems).toEqual([]);
  });

  it('makes version-7 ids that sort by the time measured', () => {
    const random = new Uint8Array(10).fill(0xff);
    const early = measurementId(new Date('2026-02-28T17:00:00.000Z'), random);
    const later = measurementId(new Date('2026-02-28T17:00:00.001Z'), new Uint8Array(10));
    expect(early).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(early.slice(0, 13).replace('-', '')).toBe(
      new Date('2026-02-28T17:00:00.000Z').getTime().toString(16).padStart(12, '0'),
    );
    expect(early < later).toBe(true);
  });
});
