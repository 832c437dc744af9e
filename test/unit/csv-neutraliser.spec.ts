import { neutraliseCell, signatureRecord, SIGNATURE_EXPORT_COLUMNS } from '../../src/modules/petitions/signatures-export.service';

describe('CSV neutraliser', () => {
  it.each(['=SUM(A1:A9)', '+44 20 7946 0958', '-1', '@import', '\tindented', '\rreturn'])('prefixes %j with a quote so spreadsheets show it as text', (value) => {
    expect(neutraliseCell(value)).toBe(`'${value}`);
  });

  it.each(['', 'Ana Quispe', 'ana@example.org', ' =leading space', "'already quoted", 'a=b', 'SW1A 1AA', '١٢٣', '\u202e=reversed'])('leaves %j as it is', (value) => {
    expect(neutraliseCell(value)).toBe(value);
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
    expect(record).toEqual(['2026-03-08T10:00:00.000Z', `'=HYPERLINK("http://evil.example")`, "'@ana@example.org", '', 'BO', "'-Solidaridad", 'true', 'false', '', '', "'+api"]);
  });

  it('writes the consent instant when there is one', () => {
    const consented = signatureRecord({ ...row, contact_consent: true, consent_wording_id: 'w-1', consented_at: new Date('2026-03-08T10:00:01.000Z') });
    expect(consented.slice(7, 10)).toEqual(['true', 'w-1', '2026-03-08T10:00:01.000Z']);
  });
});
