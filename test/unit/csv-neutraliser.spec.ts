import { neutraliseCell, SIGNATURE_EXPORT_COLUMNS, signatureRecord } from '../../src/modules/petitions/signatures-export.service';

describe('neutraliseCell (OWASP CSV injection)', () => {
  it.each([
    ['=SUM(A1:A9)', "'=SUM(A1:A9)"],
    ['+44 20 7946 0000', "'+44 20 7946 0000"],
    ['-2+3', "'-2+3"],
    ['@SUM(1)', "'@SUM(1)"],
    ['\tindented', "'\tindented"],
    ['\r\nnew line', "'\r\nnew line"],
  ])('prefixes %j with a single quote', (cell, expected) => {
    expect(neutraliseCell(cell)).toBe(expected);
  });

  it.each(['', 'Ana Quispe', 'a=b', 'x-y', "'=already quoted", ' =leading space', '\nnewline first', 'Ñandú', '2026-03-01T10:00:00.000Z'])(
    'leaves %j as it is',
    (cell) => {
      expect(neutraliseCell(cell)).toBe(cell);
    },
  );

  it('prefixes once, looking only at the first character', () => {
    expect(neutraliseCell('==1')).toBe("'==1");
    expect(neutraliseCell(neutraliseCell('=1'))).toBe("'=1");
  });
});

describe('signature CSV record', () => {
  const row = {
    created_at: new Date('2026-03-08T10:00:00.000Z'),
    full_name: '=HYPERLINK("http://evil.example")',
    email: '@ana@example.org',
    postcode: null,
    country: 'BO',
    comment: '-Solidaridad',
    display_publicly: true,
    contact_consent: false,
    consent_wording_id: null,
    consented_at: null,
    source: '+api',
  };

  it('has one cell per column, ISO instants, booleans as words, empty cells for nulls, every text cell neutralised', () => {
    const record = signatureRecord(row);
    expect(record).toHaveLength(SIGNATURE_EXPORT_COLUMNS.length);
    expect(record).toEqual([
      '2026-03-08T10:00:00.000Z',
      `'=HYPERLINK("http://evil.example")`,
      "'@ana@example.org",
      '',
      'BO',
      "'-Solidaridad",
      'true',
      'false',
      '',
      '',
      "'+api",
    ]);
  });

  it('writes the consent instant when there is one', () => {
    const consented = signatureRecord({ ...row, contact_consent: true, consent_wording_id: 'w-1', consented_at: new Date('2026-03-08T10:00:01.000Z') });
    expect(consented.slice(7, 10)).toEqual(['true', 'w-1', '2026-03-08T10:00:01.000Z']);
  });
});
