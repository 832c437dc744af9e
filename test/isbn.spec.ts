import 'reflect-metadata';
import { validate } from 'class-validator';
import { IsIsbn, toIsbn13 } from '../src/common/validation/isbn';

describe('toIsbn13', () => {
  describe('valid ISBN-10s become the matching ISBN-13', () => {
    it.each([
      ['0-306-40615-2', '9780306406157'],
      ['0306406152', '9780306406157'],
      ['0 306 40615 2', '9780306406157'],
      [' 0-306 40615-2 ', '9780306406157'],
      ['0-8044-2957-X', '9780804429573'],
      ['080442957X', '9780804429573'],
      ['080442957x', '9780804429573'],
      ['0-439-42089-X', '9780439420891'],
      ['1-86197-271-7', '9781861972712'],
      ['0-19-852663-6', '9780198526636'],
    ])('%s → %s', (input, expected) => {
      expect(toIsbn13(input)).toBe(expected);
    });
  });

  describe('valid ISBN-13s come back as their 13 digits', () => {
    it.each([
      ['978-0-306-40615-7', '9780306406157'],
      ['9780306406157', '9780306406157'],
      ['978 0 306 40615 7', '9780306406157'],
      ['9781861972712', '9781861972712'],
      ['978-1-86197-271-2', '9781861972712'],
      ['979-10-90636-07-1', '9791090636071'],
      ['9798812345679', '9798812345679'],
    ])('%s → %s', (input, expected) => {
      expect(toIsbn13(input)).toBe(expected);
    });
  });

  it('gives the same ISBN-13 for an ISBN-10 and its ISBN-13 form', () => {
    expect(toIsbn13('0-8044-2957-X')).toBe(toIsbn13('978-0-8044-2957-3'));
    expect(toIsbn13('978-0-8044-2957-3')).toBe('9780804429573');
  });

  describe('refuses wrong check digits', () => {
    it.each([
      '0-306-40615-3',
      '0-306-40615-X',
      '0-8044-2957-0',
      '978-0-306-40615-8',
      '9780306406150',
      '9781861972713',
      '979-10-90636-07-2',
      // an ISBN-10 check digit glued to a 978 prefix is not an ISBN-13
      '9780306406152',
    ])('%s', (input) => {
      expect(toIsbn13(input)).toBeNull();
    });
  });

  describe('refuses wrong lengths, letters and misplaced X', () => {
    it.each([
      '',
      '   ',
      '---',
      '030640615',
      '03064061522',
      '978030640615',
      '97803064061577',
      'X306406152',
      '03064X6152',
      '978030640615X',
      '978-0-306-40615-x',
      'ISBN 0-306-40615-2',
      '0-306-40615-2a',
      'abcdefghij',
      '0306406152\u0000',
    ])('%j', (input) => {
      expect(toIsbn13(input)).toBeNull();
    });
  });

  describe('accepts only the 978 and 979 Bookland prefixes for ISBN-13', () => {
    it('refuses an EAN-13 with a right check digit but another prefix', () => {
      // 977 (serials) with a correct EAN check digit
      expect(toIsbn13('9771234567898')).toBeNull();
      expect(toIsbn13('4006381333931')).toBeNull();
    });
    it('accepts 979 with a right check digit and refuses it with a wrong one', () => {
      expect(toIsbn13('9791090636071')).toBe('9791090636071');
      expect(toIsbn13('9791090636070')).toBeNull();
    });
  });
});

describe('@IsIsbn', () => {
  class Book {
    @IsIsbn() isbn: unknown;
  }
  const errorsFor = async (isbn: unknown) => {
    const book = new Book();
    book.isbn = isbn;
    return validate(book);
  };

  it('passes valid ISBN-10 and ISBN-13 texts', async () => {
    expect(await errorsFor('0-8044-2957-X')).toEqual([]);
    expect(await errorsFor('978-0-306-40615-7')).toEqual([]);
  });

  it('fails a bad checksum and anything that is not text, naming the value in the message', async () => {
    const [error] = await errorsFor('0-306-40615-3');
    expect(error.property).toBe('isbn');
    expect(Object.values(error.constraints ?? {})).toEqual(['0-306-40615-3 is not a valid ISBN-10 or ISBN-13']);
    expect(await errorsFor(306406152)).toHaveLength(1);
    expect(await errorsFor(null)).toHaveLength(1);
  });
});
